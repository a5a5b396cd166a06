from slackbot.cli import main

raise SystemExit(main())
