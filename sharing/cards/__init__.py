"""Result cards: pure drawing (render, text, fonts, image, qr), what a card shows (inputs), the
cards in the database and storage (jobs, called by sharing.tasks) and what pages show (show)."""
