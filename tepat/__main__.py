from tepat.cli import main

main()
