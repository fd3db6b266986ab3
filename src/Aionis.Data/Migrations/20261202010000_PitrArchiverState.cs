using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Aionis.Data.Migrations
{
    /// <summary>
    /// pitr-archive-check's memory between runs: pg_stat_archiver's counters at the last check of each stanza, so a check
    /// reports the archive failures since the previous one. One row per stanza (upserted), never grows.
    /// </summary>
    [DbContext(typeof(WorkerDbContext))]
    [Migration("20261202010000_PitrArchiverState")]
    public sealed class PitrArchiverState : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE IF NOT EXISTS worker.pitr_archiver_state (
                    stanza          text        PRIMARY KEY,
                    checked_at      timestamptz NOT NULL,
                    archived_count  bigint      NOT NULL,
                    failed_count    bigint      NOT NULL,
                    stats_reset     timestamptz
                );
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS worker.pitr_archiver_state;");
        }
    }
}
