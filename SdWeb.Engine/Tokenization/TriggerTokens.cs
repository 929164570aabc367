namespace SdWeb.Engine.Tokenization;

/// <summary>
/// A textual-inversion trigger as diffusers' load_textual_inversion adds it to the tokenizer: <paramref name="Count"/>
/// tokens (the trigger, trigger_1, …) with consecutive ids from <paramref name="FirstId"/> (past the vocabulary), all of
/// which the trigger stands for in a prompt (maybe_convert_prompt).
/// </summary>
internal sealed record TriggerTokens(string Trigger, int FirstId, int Count);
