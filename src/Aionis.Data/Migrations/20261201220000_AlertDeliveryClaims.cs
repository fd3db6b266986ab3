using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Aionis.Data.Migrations
{
    /// <summary>
    /// <c>worker.alert_delivery_claims</c>: one row per (scope, key) that a run must win before it sends an alert, so two
    /// concurrent dispatch runs (or two nodes' operator checks) never send the same dedupe key twice; it also keeps the
    /// idempotency key of a delivery whose outcome is unknown, so the retry reuses it.
    /// </summary>
    [DbContext(typeof(WorkerDbContext))]
    [Migration("20261201220000_AlertDeliveryClaims")]
    public sealed class AlertDeliveryClaims : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE IF NOT EXISTS worker.alert_delivery_claims (
                  scope           text NOT NULL,
                  claim_key       text NOT NULL,
                  idempotency_key text NOT NULL,
                  state           text NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'unknown')),
                  claimed_by      uuid NOT NULL,
                  claimed_at      timestamptz NOT NULL,
                  lease_until     timestamptz NOT NULL,
                  attempts        integer NOT NULL CHECK (attempts >= 1),
                  updated_at      timestamptz NOT NULL,
                  CONSTRAINT pk_alert_delivery_claims PRIMARY KEY (scope, claim_key)
                );
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS worker.alert_delivery_claims;");
        }
    }
}
