from brinkmanship.cli import main

main()
