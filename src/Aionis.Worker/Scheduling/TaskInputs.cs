using Aionis.Jobs.Framework;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// "Inputs, then overrides": a task's own inputs with the overrides of one run (<c>aionis run --set</c>, an enqueued
/// run's, a rerun's original inputs) taking their place key by key, bound to the job's options. Every way a task runs
/// binds through here, once per run; both sides are in the shape of <see cref="InputValues"/>.
/// </summary>
public static class TaskInputs
{
    /// <param name="inputs">The task's inputs (registry names).</param>
    /// <param name="overrides">Values that replace the inputs of the same name.</param>
    /// <param name="defaults">Configuration values for options neither sets (<see cref="OptionAttribute.DefaultFrom"/>).</param>
    /// <exception cref="OptionBindingException">An input or override the job does not take, or a bad value.</exception>
    public static JobOptions Bind(JobDescriptor job, IReadOnlyDictionary<string, object?> inputs, IReadOnlyDictionary<string, object?> overrides,
        Func<string, string?> defaults) =>
        OptionBinder.Bind(job, inputs.Where(i => !overrides.ContainsKey(i.Key)).Concat(overrides), defaults);
}
