namespace SdWeb.Engine.Pipelines;

/// <summary>How prompt text is read.</summary>
public enum PromptSyntax
{
    /// <summary>diffusers' semantics: the text as is, cut at 77 tokens (what existing scripts expect).</summary>
    Plain,

    /// <summary>AUTOMATIC1111's language: emphasis, BREAK, prompt editing, alternation, AND, long prompts in chunks.</summary>
    A1111,
}
