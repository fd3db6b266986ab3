using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Aionis.Data.Migrations;

/// <summary>
/// The incident log: <c>worker.incidents</c>, <c>worker.incident_events</c>, <c>worker.incident_artifacts</c> and the
/// triage inbox. Hand-written SQL (Sql/incidents.sql); the tables are read and written with plain Npgsql
/// (<see cref="Incidents.IncidentStore"/>), not through the EF model.
/// </summary>
[DbContext(typeof(WorkerDbContext))]
[Migration("20261202000000_Incidents")]
public sealed class Incidents : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var statement in SchemaScripts.IncidentTables())
        {
            migrationBuilder.Sql(statement);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS worker.incident_alert_inbox");
        migrationBuilder.Sql("DROP TABLE IF EXISTS worker.incident_artifacts");
        migrationBuilder.Sql("DROP TABLE IF EXISTS worker.incident_events");
        migrationBuilder.Sql("DROP TABLE IF EXISTS worker.incidents");
    }
}
