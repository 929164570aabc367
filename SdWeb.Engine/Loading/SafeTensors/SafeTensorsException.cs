namespace SdWeb.Engine.Loading.SafeTensors;

/// <summary>A safetensors file that cannot be read as it is. The message names the file and, where one is at fault, the tensor.</summary>
internal sealed class SafeTensorsException(string message) : ModelLoadException(message);
