using System.CommandLine;
using System.Globalization;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Demo;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis demo seed [--tenants N] [--days D] [--requests N]</c>.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var tenants = new Option<string>("--tenants") { Description = "Demo tenants [2..99]", DefaultValueFactory = _ => "12" };
        var days = new Option<string>("--days") { Description = "Days of telemetry [1..90]", DefaultValueFactory = _ => "14" };
        var requests = new Option<string>("--requests") { Description = "Telemetry rows [0..50000000]", DefaultValueFactory = _ => "200000" };
        var receiver = new Option<string>("--alert-receiver")
        {
            Description = "Base URL every demo alert route points at (run-local.sh starts a receiver there); never an outside host",
            DefaultValueFactory = _ => DefaultReceiver,
        };
        var seed = new Command("seed", "Fill the control-plane tables with realistic demo data (needs: aionis db migrate --control-plane)") { tenants, days, requests, receiver };
        seed.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryRange(parse.GetValue(tenants), "--tenants", 2, 99, out var t, out var error)
                || !TryRange(parse.GetValue(days), "--days", 1, 90, out var d, out error)
                || !TryRange(parse.GetValue(requests), "--requests", 0, 50_000_000, out var r, out error))
            {
                return RunOutput.Fail(ExitCodes.Usage, error!);
            }
            if (!Uri.TryCreate(parse.GetValue(receiver), UriKind.Absolute, out var receiverUrl) || !receiverUrl.IsLoopback)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"--alert-receiver '{parse.GetValue(receiver)}': expected an http URL on this machine (127.0.0.1 or localhost)");
            }
            using var services = CliServices.Build(parse);
            var dataSource = services.GetService<NpgsqlDataSource>() ?? throw new DatabaseNotConfiguredException();
            var bundles = Path.Combine(services.GetRequiredService<IOptions<WorkerOptions>>().Value.ArtifactsRoot, "demo-bundles");
            await new DemoSeeder(dataSource, bundles, receiverUrl.ToString()).SeedAsync(new DemoSize(t, d, r), line => Console.Error.WriteLine(line), cancellationToken);
            Console.Error.WriteLine($"demo seed: done ({t} tenants, {d} days, about {r} telemetry rows)");
            return ExitCodes.Ok;
        });
        return new Command("demo", "Demo data for local runs") { seed };
    }

    private const string DefaultReceiver = "http://127.0.0.1:8025";

    private static bool TryRange(string? text, string option, int min, int max, out int value, out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return true;
        error = $"{option} '{text}': expected a whole number in {min}..{max}";
        return false;
    }
}
