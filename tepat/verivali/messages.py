"""Errors a user can cause in verivali, with stable codes and messages in Indonesian and English."""

from __future__ import annotations

from tepat.registry.importer.messages import Message

MESSAGES: dict[str, Message] = {
    "campaign_closed": Message("Kampanye {campaign} tidak sedang berjalan", "Campaign {campaign} is not running"),
    "not_in_campaign": Message(
        "Keluarga {family} tidak termasuk kampanye {campaign}", "Family {family} is not in campaign {campaign}"
    ),
    "not_assigned": Message(
        "Keluarga {family} tidak ditugaskan kepada {user} dalam kampanye ini",
        "Family {family} is not assigned to {user} in this campaign",
    ),
    "not_in_team": Message(
        "{user} tidak bertugas dalam kampanye {campaign}", "{user} has no assignment in campaign {campaign}"
    ),
    "unknown_enumerator": Message("Pendata '{value}' tidak dikenal", "Unknown enumerator '{value}'"),
    "enumerator_not_allowed": Message(
        "Hanya analis atau admin yang boleh mengirim atas nama pendata lain",
        "Only an analyst or admin may submit on behalf of another enumerator",
    ),
    "missing": Message("Kolom {field} wajib diisi", "Field {field} is required"),
    "too_long": Message(
        "Kolom {field} terlalu panjang (maks. {limit} karakter)", "Field {field} is too long (max {limit} characters)"
    ),
    "not_a_number": Message("Kolom {field} harus berupa angka: '{value}'", "Field {field} must be a number: '{value}'"),
    "unknown_choice": Message(
        "Nilai '{value}' tidak dikenal untuk {field}; pilihan: {choices}",
        "Unknown value '{value}' for {field}; choices: {choices}",
    ),
    "unknown_field": Message(
        "Kolom {field} tidak dapat diperbaiki lewat verivali", "Field {field} cannot be corrected through verivali"
    ),
    "unknown_member": Message(
        "Anggota {member} bukan anggota keluarga {family}", "Member {member} is not a member of family {family}"
    ),
    "bad_date": Message(
        "Tanggal tidak dapat dibaca di {field}: '{value}'", "Cannot read the date in {field}: '{value}'"
    ),
    "bad_gps": Message("Posisi GPS tidak valid: {value}", "Invalid GPS position: {value}"),
    "bad_payload": Message("Kiriman tidak lengkap atau rusak: {field}", "Submission incomplete or malformed: {field}"),
    "invalid_nik": Message(
        "NIK perbaikan tidak valid di {field}: {reason}", "Invalid corrected NIK in {field}: {reason}"
    ),
    "invalid_kk": Message("No KK perbaikan tidak valid: {reason}", "Invalid corrected No KK: {reason}"),
    "kelurahan_unknown": Message("Kelurahan '{value}' tidak dikenal", "Unknown kelurahan '{value}'"),
    "kelurahan_not_in_campaign": Message(
        "Kelurahan {value} tidak termasuk kampanye {campaign}",
        "Kelurahan {value} is not covered by campaign {campaign}",
    ),
    "photo_kind": Message(
        "Jenis foto '{value}' tidak dikenal; pilihan: {choices}", "Unknown photo kind '{value}'; choices: {choices}"
    ),
    "photo_too_large": Message(
        "Foto {name} terlalu besar ({size} MB, maks. {limit} MB)",
        "Photo {name} is too large ({size} MB, max {limit} MB)",
    ),
    "photo_not_image": Message("Berkas {name} bukan gambar JPEG/PNG/WebP", "File {name} is not a JPEG/PNG/WebP image"),
    "photo_empty": Message("Foto {name} kosong", "Photo {name} is empty"),
    "conflict_field": Message(
        "Bertentangan dengan usulan #{other} yang belum diputuskan untuk keluarga ini (kolom {field})",
        "Conflicts with undecided request #{other} for this family (field {field})",
    ),
    "stale_visit": Message(
        "Data keluarga berubah setelah kunjungan dimulai (versi {then} → {now})",
        "The family record changed after the visit began (version {then} → {now})",
    ),
}

DECISION_MESSAGES: dict[str, Message] = {
    "already_decided": Message(
        "Usulan #{request} sudah diputuskan ({status})", "Request #{request} was already decided ({status})"
    ),
    "reason_required": Message("Alasan keputusan wajib diisi", "A reason for the decision is required"),
    "not_your_kelurahan": Message(
        "Usulan #{request} bukan dari kelurahan Anda", "Request #{request} is not from your kelurahan"
    ),
    "family_changed": Message(
        "Data keluarga berubah sejak usulan #{request} dibuat (versi {then} → {now}); periksa ulang dan kunjungi lagi",
        "The family changed since request #{request} was made (version {then} → {now}); review and visit again",
    ),
    "value_changed": Message(
        "Nilai {field} di registri berubah sejak usulan #{request} dibuat ('{then}' → '{now}')",
        "{field} in the registry changed since request #{request} was made ('{then}' → '{now}')",
    ),
    "conflict_open": Message(
        "Usulan #{request} bertentangan dengan usulan #{other} yang belum diputuskan; putuskan usulan #{other} dulu",
        "Request #{request} conflicts with undecided request #{other}; decide request #{other} first",
    ),
    "meeting_kelurahan": Message(
        "Musyawarah #{meeting} diadakan untuk kelurahan lain", "Meeting #{meeting} was held for another kelurahan"
    ),
    "not_enumerator": Message("{user} bukan pendata (enumerator)", "{user} is not an enumerator"),
    "campaign_already_closed": Message(
        "Kampanye {campaign} sudah ditutup; penugasan tidak dapat diubah dan kampanye tidak dapat ditutup lagi",
        "Campaign {campaign} is already closed; its assignments cannot change and it cannot be closed again",
    ),
    "meeting_required": Message(
        "Pilih musyawarah yang memutuskan usulan ini", "Choose the meeting that decided this request"
    ),
    "handback_empty": Message(
        "Tidak ada perubahan disetujui kampanye {campaign} yang belum dikirim, atau saluran pengiriman kosong",
        "No approved change of campaign {campaign} is left to send, or the channel is empty",
    ),
    "not_analyst": Message(
        "Hanya analis atau admin yang mencatat pengiriman ke data pusat",
        "Only an analyst or admin records what was sent to the central data",
    ),
}
