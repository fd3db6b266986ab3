using Aionis.Worker.Cli;

namespace Aionis.Tests.Cli;

/// <summary>
/// Which command lines run without emitted code (<see cref="OneShotRuntime"/>): the one-shot runs only; <c>db</c> needs
/// dynamic code for EF Core's model (without it <c>db migrate</c> fails), <c>serve</c> runs its code too often to go without.
/// </summary>
public sealed class OneShotRuntimeTests
{
    [TestCase(new[] { "job", "hosted-key-rotation-sla" }, true)]
    [TestCase(new[] { "run", "key_rotation_sla", "--dry-run" }, true)]
    [TestCase(new[] { "db", "migrate" }, false)]
    [TestCase(new[] { "serve" }, false)]
    [TestCase(new[] { "jobs" }, false)]
    [TestCase(new[] { "--version" }, false)]
    [TestCase(new string[0], false)]
    public void Only_job_and_run_go_without_dynamic_code(string[] args, bool without) =>
        Assert.That(OneShotRuntime.WithoutDynamicCode(args), Is.EqualTo(without));
}
