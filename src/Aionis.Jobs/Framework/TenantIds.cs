using System.Text.RegularExpressions;

namespace Aionis.Jobs.Framework;

/// <summary>
/// Tenant ids that may become part of a path (<c>{tenant_id}</c>, default output folders): one path segment of letters,
/// digits and <c>. _ : @ -</c>, starting with a letter or digit, so neither <c>/</c> nor <c>..</c> can leave the folder.
/// </summary>
public static partial class TenantIds
{
    public const string Rule = "a tenant id is letters, digits and . _ : @ - (starting with a letter or digit, at most 128)";

    public static bool IsSafe(string? tenantId) => tenantId is not null && Safe().IsMatch(tenantId);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}\z")]
    private static partial Regex Safe();
}
