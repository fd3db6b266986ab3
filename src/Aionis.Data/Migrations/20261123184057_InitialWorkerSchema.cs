using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Aionis.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialWorkerSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "worker");

            foreach (var statement in SchemaScripts.QuartzTables())
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.CreateTable(
                name: "job_runs",
                schema: "worker",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<string>(type: "text", nullable: true),
                    job = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "text", nullable: false),
                    dry_run = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    ok = table.Column<bool>(type: "boolean", nullable: true),
                    exit_code = table.Column<int>(type: "integer", nullable: true),
                    scheduled_for = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    duration_ms = table.Column<long>(type: "bigint", nullable: true),
                    node = table.Column<string>(type: "text", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    fire_instance_id = table.Column<string>(type: "text", nullable: true),
                    tenant_id = table.Column<string>(type: "text", nullable: true),
                    inputs = table.Column<string>(type: "jsonb", nullable: false),
                    summary = table.Column<string>(type: "jsonb", nullable: true),
                    planned_actions = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    artifacts = table.Column<string>(type: "jsonb", nullable: true),
                    trace_id = table.Column<string>(type: "text", nullable: true),
                    registry_hash = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_runs", x => x.run_id);
                });

            migrationBuilder.CreateTable(
                name: "registry_syncs",
                schema: "worker",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    node = table.Column<string>(type: "text", nullable: false),
                    registry_hash = table.Column<string>(type: "text", nullable: false),
                    accepted = table.Column<bool>(type: "boolean", nullable: false),
                    added = table.Column<string[]>(type: "text[]", nullable: false),
                    changed = table.Column<string[]>(type: "text[]", nullable: false),
                    removed = table.Column<string[]>(type: "text[]", nullable: false),
                    errors = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_syncs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "task_pauses",
                schema: "worker",
                columns: table => new
                {
                    task_id = table.Column<string>(type: "text", nullable: false),
                    paused_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    paused_by = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_pauses", x => x.task_id);
                });

            migrationBuilder.CreateTable(
                name: "job_run_steps",
                schema: "worker",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    detail = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_run_steps", x => new { x.run_id, x.seq });
                    table.ForeignKey(
                        name: "fk_job_run_steps_job_runs_run_id",
                        column: x => x.run_id,
                        principalSchema: "worker",
                        principalTable: "job_runs",
                        principalColumn: "run_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_running_node",
                schema: "worker",
                table: "job_runs",
                column: "node",
                filter: "status = 'running'");

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_started",
                schema: "worker",
                table: "job_runs",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_status_started",
                schema: "worker",
                table: "job_runs",
                columns: new[] { "status", "started_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_task_started",
                schema: "worker",
                table: "job_runs",
                columns: new[] { "task_id", "started_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_task_status_started",
                schema: "worker",
                table: "job_runs",
                columns: new[] { "task_id", "status", "started_at" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_registry_syncs_at",
                schema: "worker",
                table: "registry_syncs",
                column: "at",
                descending: new bool[0]);

            // The views are created by the latest migration that changes them (20261207134000_FollowersNotPaused), from
            // Sql/worker_views.sql: that file describes today's tables, which this migration does not have yet.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP VIEW IF EXISTS worker.task_status; DROP VIEW IF EXISTS worker.recent_failures;");
            migrationBuilder.DropTable(
                name: "job_run_steps",
                schema: "worker");

            migrationBuilder.DropTable(
                name: "registry_syncs",
                schema: "worker");

            migrationBuilder.DropTable(
                name: "task_pauses",
                schema: "worker");

            migrationBuilder.DropTable(
                name: "job_runs",
                schema: "worker");
        }
    }
}
