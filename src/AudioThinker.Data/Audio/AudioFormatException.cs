namespace AudioThinker.Data.Audio;

/// <summary>An audio file cannot be decoded; the message names the file and what is wrong with it.</summary>
public sealed class AudioFormatException(string path, string problem, Exception? inner = null)
    : DataFileException(path, problem, inner);
