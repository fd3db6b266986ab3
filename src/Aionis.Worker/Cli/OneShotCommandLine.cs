using System.CommandLine;
using Aionis.Jobs.Framework;

namespace Aionis.Worker.Cli;

/// <summary>
/// The one-shot composition root of the command line: <c>aionis job NAME …</c> (what a timer or an operator runs most)
/// parses against a tree that holds only that job's command, instead of every command and every job's options with
/// their help text. Anything else, including <c>aionis job --help</c> or an unknown job name, gets the full tree, so
/// parsing, help and errors are the same as before; only the work of building commands nobody asked for goes.
/// </summary>
public static class OneShotCommandLine
{
    public static RootCommand? TryCreate(string[] args)
    {
        if (args is not [JobCommand.Name, var name, ..] || !JobCatalog.Default.TryGet(name, out var job))
        {
            return null;
        }
        var root = new RootCommand("Aionis Worker") { CliServices.ConfigOption };
        root.Subcommands.Add(JobCommand.CreateOne(job));
        return root;
    }
}
