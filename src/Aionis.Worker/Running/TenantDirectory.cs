using Npgsql;

namespace Aionis.Worker.Running;

/// <summary>The tenants a <c>tenant_id: "*"</c> run fans out over: every active row of <c>control_tenants</c>.</summary>
public sealed class TenantDirectory(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<string>> ActiveTenantsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT tenant_id FROM control_tenants WHERE status = 'active' ORDER BY tenant_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(reader.GetString(0));
        }
        return tenants;
    }
}
