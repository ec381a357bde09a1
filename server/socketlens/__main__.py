from socketlens.cli import main

raise SystemExit(main())
