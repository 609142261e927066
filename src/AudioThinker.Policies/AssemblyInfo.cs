using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AudioThinker.Policies.Tests")]
