namespace Aionis.Jobs.Publishing;

/// <summary>Checks on paths that name objects relative to a target root.</summary>
public static class ObjectPaths
{
    /// <summary>A relative object path may not be absolute or climb out of the target root.</summary>
    public static string CheckRelative(string path)
    {
        if (path.StartsWith('/') || path.Split('/', '\\').Any(s => s is ".."))
        {
            throw new PublishTargetException($"object path '{path}' must be relative and may not contain '..'");
        }
        return path;
    }
}
