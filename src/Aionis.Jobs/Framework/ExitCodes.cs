namespace Aionis.Jobs.Framework;

/// <summary>Exit codes scripts can trust: the one set, of the CLI, the runner and nested runs.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int RuntimeError = 1;

    /// <summary><c>--strict</c> and the job's verdict is not ok (the reference's gate code).</summary>
    public const int GateFailed = 2;

    /// <summary>Usage or validation error (sysexits EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>Could not reach the database: a temporary failure (sysexits EX_TEMPFAIL).</summary>
    public const int DatabaseUnavailable = 75;
}
