namespace SdWeb.Data;

/// <summary>
/// AUTOMATIC1111's prompt style: a named prompt and negative prompt snippet, shared by the whole team. Applied to a job
/// by name: a <c>{prompt}</c> in the snippet is replaced by the job's prompt, otherwise the snippet is appended with ", ".
/// </summary>
public sealed class PromptStyle
{
    public const int MaxNameLength = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Unique; how the form, the API (<c>styles: [...]</c>) and the job name the style.</summary>
    public required string Name { get; set; }

    public string Prompt { get; set; } = "";
    public string NegativePrompt { get; set; } = "";

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}
