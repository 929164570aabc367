namespace SdWeb.Api.A1111;

/// <summary>A saved prompt style as AUTOMATIC1111's <c>GET prompt-styles</c> lists it.</summary>
public sealed record A1111PromptStyle(string Name, string? Prompt, string? NegativePrompt);

/// <summary>
/// The team's prompt styles for <c>GET prompt-styles</c>. SdWeb keeps none yet, so the list is empty; the styles
/// feature answers its own here.
/// </summary>
public sealed class A1111PromptStyles
{
    public Task<IReadOnlyList<A1111PromptStyle>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<A1111PromptStyle>>([]);
}
