from tutor.entry import run

raise SystemExit(run())
