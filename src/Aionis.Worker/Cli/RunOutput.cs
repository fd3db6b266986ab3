using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;

namespace Aionis.Worker.Cli;

/// <summary>stdout carries the summary only (indented JSON); failures are one JSON line on stderr.</summary>
public static class RunOutput
{
    public static int Print(RunResult result)
    {
        if (result.Summary is not null)
        {
            Console.Out.WriteLine(JobJson.Serialize(result.Summary));
        }
        if (result.Error is not null)
        {
            Console.Error.WriteLine(JsonSerializer.Serialize(new { ok = false, error = result.Error, run_id = result.RunId, status = result.Status }, JobJson.Compact));
        }
        return result.ExitCode;
    }

    /// <summary><c>--json</c>: the run id, status, exit code and summary as one document on stdout.</summary>
    public static int PrintJson(RunResult result, string? taskId)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(
            new { run_id = result.RunId, task_id = taskId, status = result.Status, exit_code = result.ExitCode, ok = result.Ok, error = result.Error, summary = result.Summary },
            JobJson.Options));
        return result.ExitCode;
    }

    public static int Fail(int exitCode, string error)
    {
        Console.Error.WriteLine(JsonSerializer.Serialize(new { ok = false, error }, JobJson.Compact));
        return exitCode;
    }

    /// <summary>Option errors: one line each, naming the option, the value and what is allowed.</summary>
    public static int OptionErrors(string job, OptionBindingException e)
    {
        foreach (var error in e.Errors)
        {
            Console.Error.WriteLine($"aionis {job}: {error}");
        }
        return ExitCodes.Usage;
    }
}
