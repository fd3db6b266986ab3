using System.Text;
using Aionis.Jobs.Framework;

namespace Aionis.Worker.Cli;

/// <summary>Help text generated from the options descriptions (the same text as the README's options tables).</summary>
public static class Help
{
    public static string JobDescription(JobDescriptor job)
    {
        var permissions = job.AllPermissions().Count > 0 ? string.Join(", ", job.AllPermissions()) : "none";
        return $"{job.Description}. Permissions: {permissions}.{(job.PerTenant ? " --tenant-id \"*\" runs it for every active tenant." : "")}";
    }

    public static string OptionLine(OptionDescriptor option)
    {
        var text = new StringBuilder(option.Description);
        if (option.RangeText is { } range) text.Append($" [{range}]");
        if (option.DefaultText is { Length: > 0 } d && !option.IsFlag) text.Append($" (default {d})");
        if (option.Attribute.Required) text.Append(" (required)");
        return text.ToString();
    }

    /// <summary>A job's options as a Markdown table (for <c>aionis jobs JOB --markdown</c> and the README).</summary>
    public static string MarkdownTable(JobDescriptor job)
    {
        var text = new StringBuilder("| option | type | default | range | meaning |\n|---|---|---|---|---|\n");
        foreach (var o in job.Options)
        {
            text.Append($"| `--{o.Name}` | {o.TypeName} | {o.DefaultText} | {o.RangeText} | {o.Description} |\n");
        }
        return text.ToString();
    }
}
