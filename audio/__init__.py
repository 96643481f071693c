"""Speech I/O building blocks that know nothing about interviews.

`audio` owns the one audio value type (:class:`audio.clip.Audio`, 16 kHz mono float32),
reading and writing audio files, voice-activity detection, speech synthesis and playback,
answer sources (recorders) and the Whisper transcriber. It never imports `simulator`.

Heavy dependencies (faster-whisper, CTranslate2, PortAudio, pyttsx3) are imported lazily
inside the functions that need them, so importing this package is cheap and opens nothing.
"""
