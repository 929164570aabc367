namespace SdWeb.Storage;

/// <summary>An uploaded file that is not an acceptable image; the message says what is wrong and what to do.</summary>
public sealed class InvalidUploadException(string message) : Exception(message);
