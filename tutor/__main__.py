from tutor.entry import main

raise SystemExit(main())
