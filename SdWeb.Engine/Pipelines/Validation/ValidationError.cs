namespace SdWeb.Engine.Pipelines.Validation;

/// <summary>One problem with a request: the <see cref="GenerationRequest"/> property it concerns and what to fix.</summary>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
