namespace SdWeb.Engine.Pipelines;

/// <summary>A generation that ran but could not produce valid images (non-finite values, out of memory); the message says what to try.</summary>
public sealed class GenerationFailedException(string message, Exception? inner = null) : Exception(message, inner);
