using System.CommandLine;
using Aionis.Jobs.Framework;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis jobs [JOB]</c>: job types, their options (name, type, default, range, meaning) and permissions.</summary>
public static class JobsCommand
{
    public static Command Create(JobCatalog catalog)
    {
        var name = new Argument<string?>("job") { Description = "Show one job type in detail", Arity = ArgumentArity.ZeroOrOne };
        var markdown = new Option<bool>("--markdown") { Description = "Print the options as Markdown tables (of every job type without JOB)" };
        var command = new Command("jobs", "List job types, or show one job type's options and permissions") { name, markdown };
        command.SetAction(parse =>
        {
            var selected = parse.GetValue(name);
            if (selected is null && parse.GetValue(markdown))
            {
                foreach (var job in catalog.All)
                {
                    Console.Out.Write($"### `{job.Name}`\n\n{Help.JobDescription(job)}\n\n{Help.MarkdownTable(job)}\n");
                }
                return 0;
            }
            if (selected is null)
            {
                foreach (var job in catalog.All)
                {
                    Console.Out.WriteLine($"{job.Name,-36} {job.Description}");
                }
                return 0;
            }
            if (!catalog.TryGet(selected, out var descriptor))
            {
                Console.Error.WriteLine($"aionis jobs: unknown job type '{selected}'; known: {string.Join(", ", catalog.All.Select(j => j.Name))}");
                return ExitCodes.Usage;
            }
            if (parse.GetValue(markdown))
            {
                Console.Out.Write(Help.MarkdownTable(descriptor));
                return 0;
            }
            Console.Out.WriteLine($"{descriptor.Name}: {Help.JobDescription(descriptor)}");
            Console.Out.WriteLine();
            foreach (var o in descriptor.Options)
            {
                Console.Out.WriteLine($"  --{o.Name,-34} {o.TypeName,-6} {Help.OptionLine(o)}");
            }
            Console.Out.WriteLine($"  --{"dry-run",-34} {"flag",-6} Read everything, change nothing; print and record the plan");
            return 0;
        });
        return command;
    }
}
