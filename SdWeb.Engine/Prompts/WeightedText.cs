namespace SdWeb.Engine.Prompts;

/// <summary>A run of prompt text with its attention weight; A1111 marks BREAK as ("BREAK", -1).</summary>
internal sealed record WeightedText(string Text, double Weight)
{
    public bool IsBreak => Text == "BREAK" && Weight == -1;
}
