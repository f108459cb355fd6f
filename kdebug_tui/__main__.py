from kdebug_tui.cli import main

raise SystemExit(main())
