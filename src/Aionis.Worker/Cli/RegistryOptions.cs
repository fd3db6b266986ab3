using System.CommandLine;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;

namespace Aionis.Worker.Cli;

/// <summary><c>--registry PATH</c> (alias <c>--file</c>) and loading the file it names, shared by serve, run and registry.</summary>
public static class RegistryOptions
{
    public static Option<string?> Create() => new("--registry", "--file")
    {
        Description = $"task_registry.yml to use (default: Worker:RegistryPath, else ./{RegistryLocation.FileName}, else {RegistryLocation.SystemPath})",
    };

    public static string PathOf(ParseResult parse, Option<string?> option, IConfiguration configuration) =>
        RegistryLocation.Resolve(parse.GetValue(option), configuration[$"{WorkerOptions.Section}:RegistryPath"]);

    public static TaskRegistry Load(string path, IConfiguration configuration) =>
        new RegistryLoader(JobCatalog.Default, key => configuration[key]).Load(path);

    /// <summary>Prints every error (file:line:column: task 'id': field: problem) to stderr.</summary>
    public static int PrintErrors(RegistryInvalidException e)
    {
        foreach (var error in e.Errors)
        {
            Console.Error.WriteLine(error.ToString());
        }
        Console.Error.WriteLine($"aionis: {e.Errors.Count} error(s) in the task registry; nothing was changed");
        return Aionis.Jobs.Framework.ExitCodes.Usage;
    }
}
