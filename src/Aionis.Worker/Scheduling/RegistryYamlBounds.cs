using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Walks the registry's YAML events (YamlDotNet's parser is a state machine, not recursive) before the node model is
/// built: the model is built and compared recursively, so a 200k-deep <c>[[[…]]]</c> or an alias that contains itself
/// (<c>? &amp;r [a, *r] : 1</c>) would overflow the stack and kill the daemon. The walk bounds nesting, alias
/// expansion and the document count and refuses non-scalar keys, each at its own line and column.
/// </summary>
public static class RegistryYamlBounds
{
    /// <summary>The registry's own shape is 5 levels deep (tasks, task, inputs, list); 16 leaves room and stays small.</summary>
    public const int MaxDepth = 16;

    /// <summary>Nodes after expanding every alias: bounds "billion laughs" anchors; a 5,000-task file is far below it.</summary>
    public const int MaxExpandedNodes = 250_000;

    private sealed class Frame(bool mapping, string? anchor)
    {
        public bool Mapping { get; } = mapping;
        public string? Anchor { get; } = anchor;
        public bool ExpectKey { get; set; } = mapping;
        public long NodesAtStart { get; init; }
    }

    /// <returns>The first problem found (the walk stops there: later events may be nonsense), or null.</returns>
    public static RegistryError? Check(string file, string text)
    {
        var stack = new Stack<Frame>();
        var anchors = new Dictionary<string, (long Nodes, bool Scalar)>(StringComparer.Ordinal);
        var documents = 0;
        long nodes = 0;
        RegistryError Error(Mark at, string field, string message) => new(file, (int)at.Line, (int)at.Column, null, field, message);

        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (current is DocumentStart && documents++ > 0)
                {
                    return Error(current.Start, "yaml", "a second YAML document: the registry is one document (remove the '---' or '...' separator and what follows)");
                }
                if (current is MappingEnd or SequenceEnd)
                {
                    var done = stack.Pop();
                    if (done.Anchor is { } name) anchors[name] = (nodes - done.NodesAtStart, false);
                    Advance();
                    continue;
                }
                if (current is not (NodeEvent or AnchorAlias)) continue;

                var isKey = stack.TryPeek(out var parent) && parent.Mapping && parent.ExpectKey;
                if (current is AnchorAlias alias)
                {
                    if (stack.Any(f => f.Anchor == alias.Value.Value))
                    {
                        return Error(current.Start, "yaml", $"alias *{alias.Value.Value} refers to the node that contains it (a recursive alias)");
                    }
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        return Error(current.Start, "yaml", $"alias *{alias.Value.Value} has no anchor &{alias.Value.Value} before it");
                    }
                    if (isKey && !target.Scalar)
                    {
                        return Error(current.Start, "yaml", $"a key must be a plain value; *{alias.Value.Value} is a list or mapping");
                    }
                    nodes += target.Nodes;
                }
                else
                {
                    nodes++;
                }
                if (nodes > MaxExpandedNodes)
                {
                    return Error(current.Start, "yaml", $"more than {MaxExpandedNodes:N0} values once aliases are expanded");
                }
                var anchor = current is NodeEvent { Anchor.IsEmpty: false } anchored ? anchored.Anchor.Value : null;
                switch (current)
                {
                    case MappingStart or SequenceStart when isKey:
                        return Error(current.Start, "yaml", "a key must be a plain value, not a list or mapping");
                    case MappingStart or SequenceStart when stack.Count >= MaxDepth:
                        return Error(current.Start, "yaml", $"nested more than {MaxDepth} levels deep");
                    case MappingStart or SequenceStart:
                        stack.Push(new Frame(current is MappingStart, anchor) { NodesAtStart = nodes - 1 });
                        break;
                    default:
                        if (anchor is not null) anchors[anchor] = (1, current is Scalar);
                        Advance();
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            return TabIndentation(file, text, e) ?? Error(e.Start, "yaml", (e.InnerException ?? e).Message);
        }
        return null;

        // A complete node was read: in a mapping, a key is followed by its value and a value by the next key.
        void Advance()
        {
            if (stack.TryPeek(out var frame) && frame.Mapping) frame.ExpectKey = !frame.ExpectKey;
        }
    }

    /// <summary>
    /// YamlDotNet reports a tab in the indentation at the start of the enclosing mapping (often 1:1); point at the
    /// tab itself: the first line from there whose indentation holds one.
    /// </summary>
    private static RegistryError? TabIndentation(string file, string text, YamlException e)
    {
        if (!e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase)) return null;
        var lines = text.Split('\n');
        for (var i = Math.Max(0, (int)e.Start.Line - 1); i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0) return new RegistryError(file, i + 1, tab + 1, null, "yaml", "a tab in the indentation: YAML indents with spaces only");
        }
        return null;
    }
}
