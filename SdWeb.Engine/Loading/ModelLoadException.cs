namespace SdWeb.Engine.Loading;

/// <summary>A model (or model file) that cannot be loaded. The message says what is wrong and what to do.</summary>
public class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
