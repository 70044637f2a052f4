namespace Crayon;

/// <summary>Finds the checkout (the folder holding Crayon.sln) above the running binary or the working directory.</summary>
public static class RepositoryRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "Crayon.sln"))) return dir.FullName;
        }
        return null;
    }
}
