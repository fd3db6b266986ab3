using Microsoft.Extensions.Configuration;

namespace Aionis.Worker.Configuration;

/// <summary>
/// Configuration sources, later wins: appsettings.json beside the binary, /etc/aionis/worker.json, a .env file in the
/// working directory (real environment variables win over it), environment variables, then <c>--config key=value</c>.
/// </summary>
public static class WorkerConfiguration
{
    public const string SystemConfigFile = "/etc/aionis/worker.json";

    public static IConfigurationRoot Build(IEnumerable<string>? overrides = null)
    {
        LoadDotEnv();
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(SystemConfigFile, optional: true)
            .AddEnvironmentVariables();
        var pairs = (overrides ?? []).Select(ParseOverride).ToDictionary(p => p.Key, p => (string?)p.Value);
        if (pairs.Count > 0)
        {
            builder.AddInMemoryCollection(pairs);
        }
        return builder.Build();
    }

    private static void LoadDotEnv()
    {
        var path = Path.Combine(Directory.GetCurrentDirectory(), ".env");
        if (File.Exists(path))
        {
            DotNetEnv.Env.NoClobber().Load(path);
        }
    }

    private static KeyValuePair<string, string> ParseOverride(string text)
    {
        var at = text.IndexOf('=');
        if (at <= 0) throw new ConfigurationException($"--config '{text}': expected KEY=VALUE (e.g. Worker:NodeName=node-a)");
        return new(text[..at].Trim().Replace("__", ":"), text[(at + 1)..]);
    }
}
