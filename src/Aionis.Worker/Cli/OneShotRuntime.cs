namespace Aionis.Worker.Cli;

/// <summary>
/// Runtime settings of a one-shot run (<c>aionis job …</c>, <c>aionis run …</c>), applied before anything else runs.
/// </summary>
/// <remarks>
/// Such a process runs most code once, so IL that libraries emit to make repeated calls fast is pure start-up cost: each
/// emitted method is compiled by the JIT at full optimisation, where ReadyToRun code needs none. Declaring dynamic code
/// unsupported makes System.Text.Json (property accessors), the DI container (resolvers) and reflection (invoke stubs)
/// take their plain reflection paths: 2–10 % of the SLA job's CPU on an empty schema (docs/performance.md, cold
/// start). <c>serve</c>, whose code runs again and again, keeps them; so does <c>db</c>, because EF Core refuses to build
/// its model without dynamic code.
/// </remarks>
public static class OneShotRuntime
{
    private const string DynamicCodeSwitch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    /// <summary>Whether the command line is a one-shot run, which goes without emitted code.</summary>
    public static bool WithoutDynamicCode(string[] args) => args is [JobCommand.Name or RunCommand.Name, ..];

    /// <summary>Applies the settings; must come before the first read of <c>RuntimeFeature.IsDynamicCodeSupported</c>, which caches it.</summary>
    public static void Configure(string[] args)
    {
        if (WithoutDynamicCode(args))
        {
            AppContext.SetSwitch(DynamicCodeSwitch, false);
        }
    }
}
