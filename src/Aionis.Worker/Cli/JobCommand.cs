using System.CommandLine;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis job JOB [options] [--dry-run] [--json]</c>: run a job type directly with explicit options.</summary>
public static class JobCommand
{
    public static readonly Option<bool> DryRunOption = new("--dry-run")
    {
        Description = "Read everything, change nothing: print and record what the run would do",
    };

    public const string Name = "job";
    private const string Description = "Run a job type now with explicit options (aionis jobs lists them)";

    private static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print {run_id, status, exit_code, ok, error, summary} instead of the summary alone",
    };

    public static Command Create(JobCatalog catalog)
    {
        var command = new Command(Name, Description);
        foreach (var job in catalog.All)
        {
            command.Subcommands.Add(CreateFor(job));
        }
        return command;
    }

    /// <summary>The <c>job</c> command with only <paramref name="job"/> under it (<see cref="OneShotCommandLine"/>).</summary>
    public static Command CreateOne(JobDescriptor job) => new(Name, Description) { CreateFor(job) };

    private static Command CreateFor(JobDescriptor job)
    {
        var command = new Command(job.Name, Help.JobDescription(job));
        var options = job.Options.Select(o => (Descriptor: o, Option: ToCliOption(o))).ToList();
        foreach (var (_, option) in options)
        {
            command.Options.Add(option);
        }
        command.Options.Add(DryRunOption);
        command.Options.Add(JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = options
                .Where(o => parse.GetResult(o.Option) is { Implicit: false })
                .Select(o => new KeyValuePair<string, object?>(o.Descriptor.Name, ValueOf(parse, o.Option)));
            using var services = CliServices.BuildForRun(parse);
            var configuration = services.GetRequiredService<IConfiguration>();
            JobOptions bound;
            try
            {
                bound = OptionBinder.Bind(job, given, key => configuration[key]);
            }
            catch (OptionBindingException e)
            {
                return RunOutput.OptionErrors(job.Name, e);
            }
            var runner = services.GetRequiredService<JobRunner>();
            var result = await runner.RunAsync(new RunRequest(job, bound) { DryRun = parse.GetValue(DryRunOption), FireInstanceId = CliRunIdentity.Current, TriggeredBy = CliRunIdentity.TriggeredBy }, cancellationToken);
            return parse.GetValue(JsonOption) ? RunOutput.PrintJson(result, null) : RunOutput.Print(result);
        });
        return command;
    }

    private static object? ValueOf(ParseResult parse, Option option) => option switch
    {
        Option<string[]> list => parse.GetValue(list),
        Option<string> text => parse.GetValue(text),
        _ => throw new ArgumentOutOfRangeException(nameof(option)),
    };

    /// <summary>
    /// CLI values stay text so the binder can name a bad value and its range (exit 64) instead of a parser error; a flag
    /// takes an optional value (<c>--strict</c>, <c>--strict=false</c>), so <c>--strict=maybe</c> is reported as that option's error.
    /// </summary>
    private static Option ToCliOption(OptionDescriptor descriptor)
    {
        var name = "--" + descriptor.Name;
        var aliases = descriptor.Attribute.Aliases.Select(a => "--" + a).ToArray();
        var description = Help.OptionLine(descriptor);
        Option option = descriptor switch
        {
            { IsFlag: true } => new Option<string>(name, aliases) { Description = description, Arity = ArgumentArity.ZeroOrOne, HelpName = "true|false" },
            { IsList: true } => new Option<string[]>(name, aliases) { Description = description, AllowMultipleArgumentsPerToken = false },
            _ => new Option<string>(name, aliases) { Description = description },
        };
        return option;
    }
}
