namespace Aionis.Jobs.Framework;

public static class JobErrors
{
    /// <summary>The reference's formatError: the message, else nested errors joined by " | ", else the type name.</summary>
    public static string Text(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } a => string.Join(" | ", a.InnerExceptions.Select(Text)),
        _ when !string.IsNullOrWhiteSpace(e.Message) => e.Message,
        _ => e.GetType().Name,
    };
}
