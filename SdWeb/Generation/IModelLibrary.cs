namespace SdWeb.Generation;

/// <summary>The models users can pick, by name (relative to ModelsDir, never a path).</summary>
public interface IModelLibrary
{
    /// <summary>Names of the models available now, the default first.</summary>
    IReadOnlyList<string> Names();

    /// <summary>The model a job uses when it names none.</summary>
    string DefaultModel { get; }

    /// <summary>True while the only model is the built-in demo model (trained or random).</summary>
    bool IsDemoOnly { get; }

    /// <summary>True while the only model is the demo model and it is the trained one SdWeb ships (not random weights).</summary>
    bool IsDemoTrained { get; }

    /// <summary>The full path of a model; refuses unknown names and names that lead outside ModelsDir.</summary>
    /// <exception cref="Engine.Loading.ModelLoadException">The name is not a model in the models folder.</exception>
    string ResolvePath(string name);
}
