using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Aionis.Data.Migrations
{
    /// <summary>
    /// <c>worker.task_status.paused</c> is false, not NULL, for a task with only <c>after:</c> (it has no registry trigger
    /// whose state could say PAUSED). As NULL, such a task fell out of every <c>WHERE NOT paused</c>: its last success never
    /// reached the task gauges on <c>/metrics</c>. The views are recreated from <c>Sql/worker_views.sql</c>.
    /// </summary>
    [DbContext(typeof(WorkerDbContext))]
    [Migration("20261207134000_FollowersNotPaused")]
    public sealed class FollowersNotPaused : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in SchemaScripts.RecreateWorkerViews())
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <summary>Nothing to undo that anyone would want back: the earlier view differed only in reading NULL there.</summary>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
