using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;

namespace Aionis.Jobs.Backups;

/// <summary>Target options (<c>--target</c>, <c>--source</c>) are checked when options are bound: a bad target is a usage error.</summary>
internal static class BackupTargetOption
{
    public static IEnumerable<OptionError> Check(string option, IEnumerable<string> targets)
    {
        foreach (var target in targets)
        {
            string? problem = null;
            try
            {
                // az://a/b is valid in both Azure modes and az://a in neither, so the mode does not change what is rejected.
                PublishTarget.Parse(target, azureConnectionStringSet: true);
            }
            catch (PublishTargetException e)
            {
                problem = e.Message;
            }
            if (problem is not null) yield return new OptionError(option, Secrets.RedactUrl(target), problem);
        }
    }
}
