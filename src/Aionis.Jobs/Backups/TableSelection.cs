using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Whose rows a backup holds: <c>--tables</c> and <c>--exclude-table</c> patterns (<c>name</c> in any schema, or
/// <c>schema.name</c>; <c>*</c> and <c>?</c> are wildcards) resolved against the database's tables, so the row counts and
/// pg_dump see exactly the same set. The schema is always dumped whole (left-out tables are dumped empty, with
/// <c>--exclude-table-data</c>): views, triggers and foreign keys still restore, so every backup restores to a working database.
/// </summary>
public sealed class TableSelection(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
{
    public bool IsWholeDatabase => include.Count == 0 && exclude.Count == 0;

    public IReadOnlyList<TableName> Resolve(IReadOnlyList<TableName> all)
    {
        var errors = include
            .Where(p => !all.Any(t => Matches(p, t)))
            .Select(p => new OptionError("tables", p, "matches no table of the database"))
            .ToList();
        if (errors.Count > 0) throw new OptionBindingException(errors);

        return all
            .Where(t => include.Count == 0 || include.Any(p => Matches(p, t)))
            .Where(t => !exclude.Any(p => Matches(p, t)))
            .ToList();
    }

    /// <summary>pg_dump arguments leaving out the rows of every table that is not selected (nothing for a whole-database dump).</summary>
    public IEnumerable<string> PgDumpArguments(IReadOnlyList<TableName> all, IReadOnlyList<TableName> selected) =>
        IsWholeDatabase ? [] : all.Except(selected).Select(t => "--exclude-table-data=" + t.Quoted);

    private static bool Matches(string pattern, TableName table)
    {
        var dot = pattern.IndexOf('.');
        return dot < 0
            ? Glob(pattern, table.Table)
            : Glob(pattern[..dot], table.Schema) && Glob(pattern[(dot + 1)..], table.Table);
    }

    private static bool Glob(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);
}
