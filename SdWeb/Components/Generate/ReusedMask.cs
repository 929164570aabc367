namespace SdWeb.Components.Generate;

/// <summary>
/// The mask of a reused inpainting image, for the painter to show over its source again: the PNG as the job stored it
/// (white = repaint), inverted on screen when the job inverted it ("Inpaint not masked"), so what is painted is what gets
/// repainted. It belongs to its source image: another source starts with an empty canvas.
/// </summary>
public sealed record ReusedMask(Guid SourceImageId, byte[] Png, bool Inverted);
