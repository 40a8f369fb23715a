"""The engine's events in words: what every front end shows (the app, the REPL, scripted play)."""
