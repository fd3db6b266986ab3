using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Aionis.Data;

/// <summary>Finds the database: <c>ConnectionStrings:Aionis</c>, else <c>DATABASE_URL</c> (postgres://user:pass@host:port/db).</summary>
public static partial class DatabaseConnection
{
    public const string ConnectionStringName = "Aionis";

    /// <summary>The connection string with <c>TimeZone=UTC</c>, or null when none is configured.</summary>
    public static string? Resolve(IConfiguration configuration)
    {
        var raw = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(raw))
        {
            raw = configuration["DATABASE_URL"];
        }
        return string.IsNullOrWhiteSpace(raw) ? null : Normalize(raw);
    }

    /// <summary>Accepts keyword form or a postgres:// URL; always sets UTC and an application name.</summary>
    public static string Normalize(string raw)
    {
        var builder = raw.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            ? FromUrl(raw)
            : new NpgsqlConnectionStringBuilder(raw);
        builder.Timezone = "UTC";
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "aionis-worker";
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// Why the configured connection string cannot be used, as one line naming the key and the value (password masked),
    /// or null when it can (or none is configured).
    /// </summary>
    public static string? Problem(IConfiguration configuration)
    {
        var (key, raw) = configuration.GetConnectionString(ConnectionStringName) is { } named && !string.IsNullOrWhiteSpace(named)
            ? ($"ConnectionStrings:{ConnectionStringName}", named)
            : ("DATABASE_URL", configuration["DATABASE_URL"]);
        if (string.IsNullOrWhiteSpace(raw)) return null;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(Normalize(raw));
            if (!string.IsNullOrEmpty(builder.Host)) return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException or InvalidOperationException)
        {
            // Reported below: the parsers' texts describe the format, not the key.
        }
        return $"{key} '{Redact(raw)}': allowed postgres://user:password@host:port/database or keywords Host=…;Port=…;Database=…;Username=…";
    }

    /// <summary>The raw setting with its password masked (URL user info or a <c>Password=</c> keyword).</summary>
    public static string Redact(string raw) => PasswordPart().Replace(raw, "***");

    /// <summary>The connection string for messages: host, port and database, never the password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            builder[key == "sslmode" ? "SSL Mode" : key] = value;
        }
        return builder;
    }

    [GeneratedRegex(@"(?<=(?:password|pwd)\s*=\s*)[^;]*|(?<=://[^:/@]*:)[^@/]*(?=@)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPart();
}
