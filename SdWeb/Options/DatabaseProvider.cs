namespace SdWeb.Options;

/// <summary>Where the gallery and the queue live (<c>SdWeb:Database</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>One SQLite file under DataDir: the single-box default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by web nodes and workers on several machines.</summary>
    Postgres,
}
