using Npgsql;

namespace Aionis.Data.Alerts;

/// <summary>The states of an alert delivery claim.</summary>
public static class ClaimState
{
    /// <summary>A run holds the key and is sending (until <c>lease_until</c>; after that the sender is presumed gone).</summary>
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    /// <summary>The request may have been accepted (it timed out): a retry must carry the same idempotency key.</summary>
    public const string Unknown = "unknown";
}

/// <summary>A won claim: the idempotency key to send with, and how many attempts (this one included) it has had.</summary>
public sealed record AlertDeliveryClaim(string IdempotencyKey, int Attempts);

/// <summary>
/// <c>worker.alert_delivery_claims</c> in plain SQL. A run claims (scope, key) in one atomic upsert before it sends;
/// a second run claiming the same key at the same time gets nothing back and must not send.
/// </summary>
public sealed class AlertDeliveryClaimStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims a key for <paramref name="runId"/>, or returns null when another run holds it or it was sent after
    /// <paramref name="sentCountsAfter"/>. A key whose last delivery is unknown (or whose sender's lease ran out mid-send)
    /// keeps its idempotency key; a new or failed one gets <paramref name="newIdempotencyKey"/>.
    /// </summary>
    public async Task<AlertDeliveryClaim?> TryClaimAsync(string scope, string key, string newIdempotencyKey, Guid runId, DateTimeOffset now,
        TimeSpan lease, DateTimeOffset sentCountsAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.alert_delivery_claims AS c
              (scope, claim_key, idempotency_key, state, claimed_by, claimed_at, lease_until, attempts, updated_at)
            VALUES ($1, $2, $3, 'sending', $4, $5, $6, 1, $5)
            ON CONFLICT (scope, claim_key) DO UPDATE SET
              idempotency_key = CASE WHEN c.state IN ('unknown', 'sending') THEN c.idempotency_key ELSE EXCLUDED.idempotency_key END,
              attempts = CASE WHEN c.state IN ('unknown', 'sending') THEN c.attempts + 1 ELSE 1 END,
              state = 'sending', claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at,
              lease_until = EXCLUDED.lease_until, updated_at = EXCLUDED.updated_at
            WHERE c.state IN ('failed', 'unknown')
               OR (c.state = 'sending' AND c.lease_until < EXCLUDED.claimed_at)
               OR (c.state = 'sent' AND c.updated_at < $7)
            RETURNING idempotency_key, attempts
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = newIdempotencyKey });
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = now + lease });
        command.Parameters.Add(new NpgsqlParameter { Value = sentCountsAfter });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AlertDeliveryClaim(reader.GetString(0), reader.GetInt32(1)) : null;
    }

    /// <summary>Records how the claimed delivery ended (<see cref="ClaimState.Sent"/>, <see cref="ClaimState.Failed"/> or <see cref="ClaimState.Unknown"/>).</summary>
    public async Task FinishAsync(string scope, string key, Guid runId, string state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE worker.alert_delivery_claims SET state = $4, updated_at = $5
             WHERE scope = $1 AND claim_key = $2 AND claimed_by = $3 AND state = 'sending'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = state });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
