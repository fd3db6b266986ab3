using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Aionis.Data.Migrations
{
    /// <summary>
    /// Game-day acknowledgements (issue 18, item 6): who acknowledged which step of a <c>game-day</c> run and when, as a
    /// person records it with <c>aionis game-day ack</c>. One row per run and step; the run's own steps stay in
    /// <c>worker.job_run_steps</c> as the runner wrote them.
    /// </summary>
    [DbContext(typeof(WorkerDbContext))]
    [Migration("20261204000000_GameDayAcks")]
    public sealed class GameDayAcks : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE IF NOT EXISTS worker.game_day_acks (
                    run_id          uuid        NOT NULL REFERENCES worker.job_runs (run_id) ON DELETE CASCADE,
                    step            text        NOT NULL,
                    acknowledged_at timestamptz NOT NULL,
                    acknowledged_by text        NOT NULL,
                    recorded_at     timestamptz NOT NULL,
                    comment         text,
                    CONSTRAINT pk_game_day_acks PRIMARY KEY (run_id, step)
                );
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS worker.game_day_acks");
        }
    }
}
