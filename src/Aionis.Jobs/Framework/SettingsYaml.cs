using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aionis.Jobs.Framework;

/// <summary>
/// What every small settings file of an area (the triage policy, the SLO file) does first: parse the YAML and expect a
/// mapping at its root, each problem one <c>file:line:column: field: problem</c> line; and the look-up their readers share.
/// </summary>
public static class SettingsYaml
{
    /// <summary>The root mapping of <paramref name="text"/>, or null with the problem added (<paramref name="expected"/> says what the root should hold).</summary>
    public static YamlMappingNode? Root(string text, string source, string expected, List<string> problems)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            problems.Add($"{source}:{e.Start.Line}:{e.Start.Column}: malformed YAML: {e.Message}");
            return null;
        }
        if (yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode root) return root;
        problems.Add(ProblemLine(source, null, "(file)", expected));
        return null;
    }

    /// <summary>A problem at <paramref name="node"/> (the file's start when there is none).</summary>
    public static string ProblemLine(string source, YamlNode? node, string field, string what) =>
        $"{source}:{node?.Start.Line ?? 1}:{node?.Start.Column ?? 1}: {field}: {what}";

    public static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
}
