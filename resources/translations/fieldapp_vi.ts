<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/views/about.py" line="41"/>
        <source>About fieldapp</source>
        <translation>Giới thiệu fieldapp</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="46"/>
        <source>Outreach teams&apos; app for voluntary social insurance and household health insurance.</source>
        <translation>Ứng dụng của tổ tuyên truyền lưu động về bảo hiểm xã hội tự nguyện và bảo hiểm y tế hộ gia đình.</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="50"/>
        <source>not enrolled</source>
        <translation>chưa đăng ký với máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="53"/>
        <source>Version:</source>
        <translation>Phiên bản:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="54"/>
        <source>Data schema:</source>
        <translation>Lược đồ dữ liệu:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="55"/>
        <source>Data folder:</source>
        <translation>Thư mục dữ liệu:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="56"/>
        <source>Province:</source>
        <translation>Tỉnh:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="57"/>
        <source>Team:</source>
        <translation>Tổ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="58"/>
        <source>Premium rules:</source>
        <translation>Quy định mức đóng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="59"/>
        <source>Fonts:</source>
        <translation>Phông chữ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="76"/>
        <source>On the server:</source>
        <translation>Trên máy chủ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="79"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="219"/>
        <source>This laptop has no team yet. Run &apos;fieldapp demo-data&apos; or enrol with the server.</source>
        <translation>Máy này chưa thuộc tổ nào. Hãy chạy &apos;fieldapp demo-data&apos; hoặc đăng ký với máy chủ.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="316"/>
        <source>%1 had unsaved work open when the app locked. It was closed without saving, so that it is not shown to another member.</source>
        <translation>%1 còn một phiếu đang nhập dở khi ứng dụng khoá. Phiếu đó đã được đóng mà không lưu, để người khác không xem được.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="382"/>
        <source>NOT ENCRYPTED (development mode)</source>
        <translation>KHÔNG MÃ HOÁ (chế độ phát triển)</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="383"/>
        <source>Encrypted (SQLCipher, AES-256).</source>
        <translation>Đã mã hoá (SQLCipher, AES-256).</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="385"/>
        <source>Key kept in the system keyring.</source>
        <translation>Khoá được giữ trong kho khoá của hệ điều hành.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="387"/>
        <source>A recovery passphrase is set.</source>
        <translation>Đã đặt mật khẩu khôi phục.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="421"/>
        <source>%1 changes waiting to sync</source>
        <translation>%1 thay đổi chờ đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/app_controller.py" line="465"/>
        <source>The recovery passphrase is set.</source>
        <translation>Đã đặt mật khẩu khôi phục.</translation>
    </message>
</context>
<context>
    <name>BundleController</name>
    <message>
        <location filename="../../ui/controllers/bundle.py" line="39"/>
        <source>Sync bundles (*.fab);;All files (*)</source>
        <translation>Gói đồng bộ (*.fab);;Mọi tệp (*)</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/bundle.py" line="52"/>
        <source>Export sync bundle to USB</source>
        <translation>Xuất gói đồng bộ ra USB</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/bundle.py" line="81"/>
        <source>Import answer bundle from USB</source>
        <translation>Nhập gói trả lời từ USB</translation>
    </message>
</context>
<context>
    <name>ChoiceGrid</name>
    <message>
        <location filename="../../ui/views/conflicts.py" line="64"/>
        <source>Field</source>
        <translation>Trường</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="64"/>
        <source>On this laptop</source>
        <translation>Trên máy này</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="64"/>
        <source>On the server</source>
        <translation>Trên máy chủ</translation>
    </message>
</context>
<context>
    <name>ClosingDialog</name>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="34"/>
        <location filename="../../ui/views/closing_dialog.py" line="66"/>
        <source>Close the day</source>
        <translation>Chốt ngày</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="40"/>
        <source>closed</source>
        <translation>đã chốt</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="40"/>
        <source>%1 receipts</source>
        <translation>%1 biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="42"/>
        <source>Collector:</source>
        <translation>Người thu:</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="47"/>
        <source>Cash counted, note by note</source>
        <translation>Tiền mặt đếm được, theo từng mệnh giá</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="62"/>
        <source>Why the cash differs from the receipts (needed to close)</source>
        <translation>Lý do tiền mặt lệch với biên lai (bắt buộc khi chốt)</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="65"/>
        <source>Print the hand-over slip…</source>
        <translation>In giấy nộp tiền…</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="67"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="91"/>
        <source>Day %1: %2 receipts, %3</source>
        <translation>Ngày %1: %2 biên lai, %3</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="95"/>
        <source>Transfers: %1 (%2)</source>
        <translation>Chuyển khoản: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="101"/>
        <source>Void: %1 %2 — %3</source>
        <translation>Đã huỷ: %1 %2 — %3</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="108"/>
        <source>Correction (voided after its day was closed): %1 −%2</source>
        <translation>Điều chỉnh (huỷ sau khi ngày đã chốt): %1 −%2</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="113"/>
        <source>Cash to hand over: %1</source>
        <translation>Tiền mặt phải nộp: %1</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="116"/>
        <source>This day is closed.</source>
        <translation>Ngày này đã chốt.</translation>
    </message>
    <message>
        <location filename="../../ui/views/closing_dialog.py" line="134"/>
        <source>Counted %1; difference %2</source>
        <translation>Đếm được %1; chênh lệch %2</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <location filename="../../ui/views/conflicts.py" line="148"/>
        <location filename="../../ui/views/conflicts.py" line="230"/>
        <source>Choose a conflict on the left to see both versions.</source>
        <translation>Chọn một xung đột ở bên trái để xem cả hai bản.</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="160"/>
        <source>Keep my choice</source>
        <translation>Giữ lựa chọn của tôi</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="182"/>
        <source>Look at them</source>
        <translation>Xem hai người này</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="183"/>
        <source>Not the same person</source>
        <translation>Không phải cùng một người</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="198"/>
        <source>Record</source>
        <translation>Bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="198"/>
        <source>Change</source>
        <translation>Thay đổi</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="198"/>
        <source>Made at</source>
        <translation>Thời điểm</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="198"/>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="206"/>
        <source>Conflicts (%1)</source>
        <translation>Xung đột (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="207"/>
        <source>Possible duplicates (%1)</source>
        <translation>Có thể trùng (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="208"/>
        <source>Refused (%1)</source>
        <translation>Bị từ chối (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/views/conflicts.py" line="232"/>
        <source>No conflicts: nothing needs a choice.</source>
        <translation>Không có xung đột: không có gì cần chọn.</translation>
    </message>
</context>
<context>
    <name>ConsultationDialog</name>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="54"/>
        <source>Consultation</source>
        <translation>Tư vấn</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="75"/>
        <source>&amp;Walk-in, no details given</source>
        <translation>Khách vãng lai, &amp;không cho thông tin</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="81"/>
        <source>(no place)</source>
        <translation>(không chọn nơi)</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="84"/>
        <source>&amp;Place:</source>
        <translation>Nơi tư vấ&amp;n:</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="88"/>
        <source>&amp;Group:</source>
        <translation>Nhóm đối tượn&amp;g:</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="93"/>
        <source>Topics</source>
        <translation>Nội dung tư vấn</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="106"/>
        <source>Outcome</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="130"/>
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="131"/>
        <source>&amp;Follow-up on:</source>
        <translation>Ngày &amp;hẹn lại:</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="151"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Lý do từ chối:</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="162"/>
        <source>&amp;Note:</source>
        <translation>Gh&amp;i chú:</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="165"/>
        <source>VssID installed</source>
        <translation>Đã cài VssID</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="166"/>
        <source>Non-cash pension sign-up</source>
        <translation>Đăng ký nhận lương hưu qua tài khoản</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="172"/>
        <source>Agrees that the team keeps their data</source>
        <translation>Đồng ý để tổ lưu thông tin cá nhân</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="183"/>
        <source>Save (Ctrl+Enter)</source>
        <translation>Lưu (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/views/consultation_dialog.py" line="185"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
</context>
<context>
    <name>ConsultationsView</name>
    <message>
        <location filename="../../ui/views/lists.py" line="62"/>
        <source>Consultation with a &amp;walk-in (Ctrl+T)</source>
        <translation>Tư vấn khách &amp;vãng lai (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="63"/>
        <source>Record an &amp;event (Ctrl+E)</source>
        <translation>Ghi &amp;buổi tuyên truyền (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="73"/>
        <source>When</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="74"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="74"/>
        <source>(walk-in)</source>
        <translation>(khách vãng lai)</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="75"/>
        <source>Group</source>
        <translation>Nhóm đối tượng</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="76"/>
        <source>Topics</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="77"/>
        <source>Outcome</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="79"/>
        <source>Follow-up</source>
        <translation>Hẹn gặp lại</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="82"/>
        <source>Member</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="83"/>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="86"/>
        <source>Consultations</source>
        <translation>Tư vấn</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="92"/>
        <source>The latest %1 consultations of the team.</source>
        <translation>%1 lượt tư vấn gần nhất của tổ.</translation>
    </message>
</context>
<context>
    <name>EnrolController</name>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="292"/>
        <source>This household already paid today:</source>
        <translation>Hộ này đã đóng tiền hôm nay:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="293"/>
        <source>%1: receipt %2, %3, paid up to %4 (%5), taken by %6.</source>
        <translation>%1: biên lai %2, %3, đã đóng đến %4 (%5), người thu %6.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="294"/>
        <source>The period offered below starts after what was paid. Take money again only if they ask to pay for another period.</source>
        <translation>Kỳ đóng dưới đây bắt đầu sau phần đã đóng. Chỉ thu thêm tiền khi người dân muốn đóng tiếp kỳ sau.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="319"/>
        <source>Contribution a month (%1 %)</source>
        <translation>Mức đóng mỗi tháng (%1 %)</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="325"/>
        <source>State support a month</source>
        <translation>Nhà nước hỗ trợ mỗi tháng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="329"/>
        <source>Local support a month</source>
        <translation>Địa phương hỗ trợ mỗi tháng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="332"/>
        <source>Paid a month</source>
        <translation>Người tham gia đóng mỗi tháng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="333"/>
        <source>Months</source>
        <translation>Số tháng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="338"/>
        <source>Discount for paying ahead</source>
        <translation>Giảm trừ khi đóng trước nhiều năm</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="346"/>
        <source>month</source>
        <translation>tháng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="146"/>
        <source> (not confirmed in an official text)</source>
        <translation> (chưa đối chiếu văn bản chính thức)</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="152"/>
        <source>The premium rules may be out of date: this laptop last checked them on %1 and knows no change after %2. Sync to get the newest; the quote uses the rules it has.</source>
        <translation>Quy định mức đóng có thể đã cũ: máy này kiểm tra lần cuối ngày %1 và không biết thay đổi nào sau ngày %2. Hãy đồng bộ để nhận quy định mới nhất; mức đóng dưới đây vẫn tính theo quy định đang có.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="160"/>
        <source>Total</source>
        <translation>Tổng cộng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="162"/>
        <source>Covered from %1 to %2</source>
        <translation>Có giá trị từ %1 đến %2</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="167"/>
        <source>Priced on %1 by the premium rules %2:</source>
        <translation>Tính ngày %1 theo quy định mức đóng %2:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="269"/>
        <source>This household already paid today: tick “Pay again” first if they want to.</source>
        <translation>Hộ này đã đóng tiền hôm nay: nếu người dân muốn đóng thêm, hãy đánh dấu ô “Thu thêm lần nữa” trước.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/enrol.py" line="281"/>
        <source>Saved. Receipt %1 no. %2, %3.</source>
        <translation>Đã lưu. Biên lai ký hiệu %1 số %2, số tiền %3.</translation>
    </message>
</context>
<context>
    <name>EnrolDialog</name>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="58"/>
        <source>Enrol</source>
        <translation>Tham gia</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="95"/>
        <source>Pay &amp;again: they want to pay for another period</source>
        <translation>Thu thêm &amp;lần nữa: người dân muốn đóng tiếp kỳ sau</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="102"/>
        <source>What</source>
        <translation>Loại</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="115"/>
        <source>Voluntary SI</source>
        <translation>BHXH tự nguyện</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="127"/>
        <source>Monthly &amp;income:</source>
        <translation>Mức thu &amp;nhập tháng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="128"/>
        <source>Pay for (&amp;months):</source>
        <translation>Số &amp;tháng đóng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="129"/>
        <source>Support &amp;group:</source>
        <translation>Nhóm &amp;hỗ trợ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="138"/>
        <source>Household HI: who, in this order</source>
        <translation>BHYT hộ gia đình: ai tham gia, theo thứ tự</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="141"/>
        <source>HI until</source>
        <translation>BHYT đến</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="142"/>
        <source>not in household HI</source>
        <translation>không tham gia BHYT hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="169"/>
        <source>Space ticks a member; Alt+Up / Alt+Down change the order (the 1st pays most).</source>
        <translation>Phím cách để chọn người; Alt+Lên / Alt+Xuống để đổi thứ tự (người thứ nhất đóng cao nhất).</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="173"/>
        <source>Pay for (months):</source>
        <translation>Số tháng đóng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="189"/>
        <source>Donated &amp;by:</source>
        <translation>Đơn &amp;vị, người tặng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="193"/>
        <source>Payment</source>
        <translation>Thanh toán</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="199"/>
        <source>transfer reference</source>
        <translation>mã giao dịch chuyển khoản</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="200"/>
        <source>&amp;Paid in:</source>
        <translation>Hình thứ&amp;c:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="201"/>
        <source>&amp;Reference:</source>
        <translation>Mã &amp;giao dịch:</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="205"/>
        <source>Premium</source>
        <translation>Số tiền phải đóng</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="220"/>
        <source>Money received: save and make the receipt (Ctrl+Enter)</source>
        <translation>Đã nhận tiền: lưu và lập biên lai (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/views/enrol_dialog.py" line="222"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
</context>
<context>
    <name>EnrolForm</name>
    <message>
        <location filename="../../ui/views/sync.py" line="33"/>
        <source>This laptop is not enrolled with a server yet. The team leader types the server&apos;s address and the one-time code from the province&apos;s IT staff, or scans the code&apos;s QR with the scanner.</source>
        <translation>Máy này chưa đăng ký với máy chủ. Tổ trưởng nhập địa chỉ máy chủ và mã đăng ký dùng một lần do bộ phận CNTT của tỉnh cấp, hoặc quét mã QR của mã đó bằng máy quét.</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="43"/>
        <source>the code, or scan its QR</source>
        <translation>nhập mã, hoặc quét mã QR</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="44"/>
        <source>Server address:</source>
        <translation>Địa chỉ máy chủ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="45"/>
        <source>One-time code:</source>
        <translation>Mã đăng ký một lần:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="47"/>
        <source>Enrol this laptop</source>
        <translation>Đăng ký máy này</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="69"/>
        <source>Enrolling…</source>
        <translation>Đang đăng ký…</translation>
    </message>
</context>
<context>
    <name>EnrolmentsView</name>
    <message>
        <location filename="../../ui/views/lists.py" line="102"/>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="103"/>
        <source>Kind</source>
        <translation>Loại</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="104"/>
        <source>Payer</source>
        <translation>Người nộp tiền</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="105"/>
        <source>Insured</source>
        <translation>Số người</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="106"/>
        <source>Months</source>
        <translation>Số tháng</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="107"/>
        <source>Amount</source>
        <translation>Số tiền</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="108"/>
        <source>Collector</source>
        <translation>Người thu</translation>
    </message>
    <message>
        <location filename="../../ui/views/lists.py" line="111"/>
        <source>Enrolments</source>
        <translation>Tham gia</translation>
    </message>
</context>
<context>
    <name>EventDialog</name>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="27"/>
        <source>Outreach event</source>
        <translation>Buổi tuyên truyền</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="36"/>
        <source>(no place)</source>
        <translation>(không chọn nơi)</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="44"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Hình thức:</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="45"/>
        <source>&amp;Title:</source>
        <translation>&amp;Tên buổi:</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="46"/>
        <source>&amp;Place:</source>
        <translation>&amp;Nơi tổ chức:</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="47"/>
        <source>&amp;Date:</source>
        <translation>N&amp;gày:</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="48"/>
        <source>&amp;Attendance:</source>
        <translation>Số người &amp;dự:</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="49"/>
        <source>&amp;Note:</source>
        <translation>Ghi &amp;chú:</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="58"/>
        <source>&amp;Save</source>
        <translation>&amp;Lưu</translation>
    </message>
    <message>
        <location filename="../../ui/views/event_dialog.py" line="59"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
</context>
<context>
    <name>FieldworkController</name>
    <message>
        <location filename="../../ui/controllers/fieldwork.py" line="74"/>
        <source>Walk-in</source>
        <translation>Khách vãng lai</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/fieldwork.py" line="122"/>
        <source>Saved. Next person.</source>
        <translation>Đã lưu. Mời người tiếp theo.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/fieldwork.py" line="126"/>
        <source>Consultation with %1 saved.</source>
        <translation>Đã lưu lượt tư vấn với %1.</translation>
    </message>
</context>
<context>
    <name>HouseholdPanel</name>
    <message>
        <location filename="../../ui/views/household.py" line="40"/>
        <location filename="../../ui/views/household.py" line="131"/>
        <source>Nobody chosen</source>
        <translation>Chưa chọn ai</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="55"/>
        <source>Born:</source>
        <translation>Ngày sinh:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="56"/>
        <source>Citizen ID:</source>
        <translation>Số CCCD:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="57"/>
        <source>SI number:</source>
        <translation>Mã số BHXH:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="58"/>
        <source>Phone:</source>
        <translation>Điện thoại:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="59"/>
        <source>Lives in:</source>
        <translation>Nơi ở:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="60"/>
        <source>Group:</source>
        <translation>Nhóm đối tượng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="61"/>
        <source>HI card valid until:</source>
        <translation>Thẻ BHYT hạn đến:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="62"/>
        <source>Voluntary SI:</source>
        <translation>BHXH tự nguyện:</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="72"/>
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="76"/>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="77"/>
        <source>Born</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="78"/>
        <source>HI until</source>
        <translation>BHYT đến</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="79"/>
        <source>VSI</source>
        <translation>BHXH TN</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="90"/>
        <source>Record a &amp;consultation (F2)</source>
        <translation>Ghi tư &amp;vấn (F2)</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="91"/>
        <source>&amp;Enrol (F3)</source>
        <translation>Th&amp;am gia (F3)</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="92"/>
        <source>Edi&amp;t (F4)</source>
        <translation>&amp;Sửa (F4)</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="93"/>
        <source>&amp;Add to this household</source>
        <translation>Thêm người vào &amp;hộ này</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="94"/>
        <source>Personal &amp;data…</source>
        <translation>Dữ liệu &amp;cá nhân…</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="95"/>
        <source>&amp;Merge with… (Ctrl+M)</source>
        <translation>&amp;Gộp với… (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="145"/>
        <source>clinic %1</source>
        <translation>KCB ban đầu %1</translation>
    </message>
    <message>
        <location filename="../../ui/views/household.py" line="148"/>
        <source>paid until %1</source>
        <translation>đã đóng đến %1</translation>
    </message>
</context>
<context>
    <name>ImportController</name>
    <message>
        <location filename="../../ui/controllers/importing.py" line="35"/>
        <source>Choose a list</source>
        <translation>Chọn danh sách</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/importing.py" line="37"/>
        <source>Lists (*.csv *.xlsx *.txt);;All files (*)</source>
        <translation>Danh sách (*.csv *.xlsx *.txt);;Mọi tệp (*)</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../ui/views/import_dialog.py" line="31"/>
        <source>Import a list: %1</source>
        <translation>Nhập danh sách: %1</translation>
    </message>
    <message>
        <location filename="../../ui/views/import_dialog.py" line="35"/>
        <source>%1 rows found. Check which column holds what:</source>
        <translation>Tìm thấy %1 dòng. Kiểm tra mỗi cột chứa thông tin gì:</translation>
    </message>
    <message>
        <location filename="../../ui/views/import_dialog.py" line="41"/>
        <source>(none)</source>
        <translation>(không có)</translation>
    </message>
    <message>
        <location filename="../../ui/views/import_dialog.py" line="66"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/views/import_dialog.py" line="67"/>
        <source>&amp;Try (saves nothing)</source>
        <translation>&amp;Thử (chưa lưu gì)</translation>
    </message>
    <message>
        <location filename="../../ui/views/import_dialog.py" line="68"/>
        <source>&amp;Import</source>
        <translation>&amp;Nhập</translation>
    </message>
</context>
<context>
    <name>KeepsTypedWork</name>
    <message>
        <location filename="../../ui/views/common.py" line="46"/>
        <source>Close without saving? What you typed will be lost.</source>
        <translation>Đóng mà không lưu? Những gì đã nhập sẽ bị mất.</translation>
    </message>
    <message>
        <location filename="../../ui/views/common.py" line="48"/>
        <source>Close without saving</source>
        <translation>Đóng, không lưu</translation>
    </message>
    <message>
        <location filename="../../ui/views/common.py" line="51"/>
        <source>Go back to it</source>
        <translation>Quay lại nhập tiếp</translation>
    </message>
</context>
<context>
    <name>LockView</name>
    <message>
        <location filename="../../ui/views/lock.py" line="51"/>
        <source>Opening the data…</source>
        <translation>Đang mở dữ liệu…</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="60"/>
        <location filename="../../ui/views/lock.py" line="146"/>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="62"/>
        <source>Who are you?</source>
        <translation>Bạn là ai?</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="71"/>
        <source>4 to 8 digits</source>
        <translation>4 đến 8 chữ số</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="72"/>
        <source>&amp;PIN:</source>
        <translation>Mã &amp;PIN:</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="74"/>
        <source>&amp;Sign in</source>
        <translation>Đăng &amp;nhập</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="110"/>
        <source>Data passphrase</source>
        <translation>Mật khẩu dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="118"/>
        <source>Pass&amp;phrase:</source>
        <translation>Mật &amp;khẩu:</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="121"/>
        <source>&amp;Again:</source>
        <translation>Nhập &amp;lại:</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="125"/>
        <source>&amp;Open</source>
        <translation>&amp;Mở</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="169"/>
        <source>This laptop has no system keyring. Set the passphrase that protects the team&apos;s data (at least 8 characters). Keep it safe: without it the data cannot be opened.</source>
        <translation>Máy này không có kho khoá của hệ điều hành. Hãy đặt mật khẩu bảo vệ dữ liệu của tổ (ít nhất 8 ký tự). Giữ kỹ mật khẩu: không có nó thì không mở được dữ liệu.</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="173"/>
        <source>Type the passphrase that protects this laptop&apos;s data.</source>
        <translation>Nhập mật khẩu bảo vệ dữ liệu của máy này.</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="188"/>
        <source>Choose your name in the list.</source>
        <translation>Hãy chọn tên của bạn trong danh sách.</translation>
    </message>
    <message>
        <location filename="../../ui/views/lock.py" line="195"/>
        <source>The two passphrases differ.</source>
        <translation>Hai mật khẩu không khớp nhau.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="37"/>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="38"/>
        <source>People</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="39"/>
        <source>Consultations</source>
        <translation>Tư vấn</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="40"/>
        <source>Enrolments</source>
        <translation>Tham gia</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="41"/>
        <source>Receipts</source>
        <translation>Biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="42"/>
        <source>Tallies</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="43"/>
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="44"/>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="72"/>
        <source>Lock (Ctrl+L)</source>
        <translation>Khoá (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="203"/>
        <source>Locked</source>
        <translation>Đã khoá</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="216"/>
        <location filename="../../ui/main_window.py" line="222"/>
        <source>Online</source>
        <translation>Có mạng</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="216"/>
        <location filename="../../ui/main_window.py" line="222"/>
        <source>Offline</source>
        <translation>Không có mạng</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="95"/>
        <source>&amp;Help</source>
        <translation>&amp;Trợ giúp</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="96"/>
        <source>&amp;About fieldapp</source>
        <translation>&amp;Giới thiệu fieldapp</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="80"/>
        <source>Sync now</source>
        <translation>Đồng bộ ngay</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="85"/>
        <source>Sync now: F9 on any screen (right-click for the menu)</source>
        <translation>Đồng bộ ngay: phím F9 ở mọi màn hình (nhấp chuột phải để mở menu)</translation>
    </message>
</context>
<context>
    <name>MergeController</name>
    <message>
        <location filename="../../ui/controllers/merge.py" line="34"/>
        <source>paid until %1</source>
        <translation>đã đóng đến %1</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="51"/>
        <source>Full name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="53"/>
        <source>Born</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="58"/>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="62"/>
        <source>Citizen ID</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="63"/>
        <source>SI number</source>
        <translation>Mã số BHXH</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="64"/>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="66"/>
        <source>Lives in</source>
        <translation>Nơi ở</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="71"/>
        <source>HI card valid until</source>
        <translation>Thẻ BHYT hạn đến</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="76"/>
        <source>Registered clinic</source>
        <translation>Nơi KCB ban đầu</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="81"/>
        <source>Voluntary SI</source>
        <translation>BHXH tự nguyện</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="86"/>
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/merge.py" line="88"/>
        <source>%1 people</source>
        <translation>%1 người</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="61"/>
        <source>Merge two records of the same person</source>
        <translation>Gộp hai hồ sơ của cùng một người</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="78"/>
        <source>Name without accents, citizen ID, SI number or phone</source>
        <translation>Tên không dấu, số CCCD, mã số BHXH hoặc số điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="80"/>
        <source>&amp;Find the other record:</source>
        <translation>&amp;Tìm hồ sơ còn lại:</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="86"/>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="87"/>
        <source>Born</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="88"/>
        <source>Citizen ID</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="89"/>
        <source>SI number</source>
        <translation>Mã số BHXH</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="90"/>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="91"/>
        <source>Lives in</source>
        <translation>Nơi ở</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="101"/>
        <source>&amp;Compare (Enter)</source>
        <translation>&amp;So sánh (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="103"/>
        <location filename="../../ui/views/merge_dialog.py" line="195"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="136"/>
        <source>Merge &lt;b&gt;%1&lt;/b&gt; with another record of the same person. Nothing changes before you confirm.</source>
        <translation>Gộp &lt;b&gt;%1&lt;/b&gt; với một hồ sơ khác của chính người này. Chưa có gì thay đổi cho đến khi bạn xác nhận.</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="146"/>
        <source>%1 found</source>
        <translation>Tìm thấy %1</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="157"/>
        <source>Are these the same person?</source>
        <translation>Đây có phải là cùng một người không?</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="161"/>
        <source>Keep &amp;A</source>
        <translation>Giữ &amp;A</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="162"/>
        <source>Keep &amp;B</source>
        <translation>Giữ &amp;B</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="167"/>
        <source>A: the record open now</source>
        <translation>A: hồ sơ đang mở</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="167"/>
        <source>B: the record found</source>
        <translation>B: hồ sơ vừa tìm thấy</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="167"/>
        <source>After the merge</source>
        <translation>Sau khi gộp</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="180"/>
        <source>The record not kept stays in the history and points to the one kept: its consultations, enrolments and receipts count for the person kept. Empty fields of the kept record are filled from the other one (green). A merge cannot be undone.</source>
        <translation>Hồ sơ không giữ lại vẫn còn trong lịch sử và trỏ về hồ sơ được giữ: các lần tư vấn, tham gia và biên lai của nó được tính cho người được giữ. Các ô còn trống của hồ sơ được giữ sẽ lấy từ hồ sơ kia (màu xanh lá). Không thể hoàn tác việc gộp.</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="193"/>
        <source>&amp;Look for another</source>
        <translation>Tìm hồ sơ &amp;khác</translation>
    </message>
    <message>
        <location filename="../../ui/views/merge_dialog.py" line="194"/>
        <source>Mer&amp;ge</source>
        <translation>&amp;Gộp</translation>
    </message>
</context>
<context>
    <name>PeopleController</name>
    <message>
        <location filename="../../ui/controllers/people.py" line="118"/>
        <source>Not in the registry yet. Read from the card: check it with the person.</source>
        <translation>Người này chưa có trong danh sách. Thông tin đọc từ thẻ: hãy kiểm tra lại với người dân.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/people.py" line="244"/>
        <source>Making the list of %1 people…</source>
        <translation>Đang làm danh sách %1 người…</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/people.py" line="247"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/people.py" line="262"/>
        <source>Page %1 of about %2 (%3 people)…</source>
        <translation>Trang %1 trên khoảng %2 (%3 người)…</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../../ui/models/people_model.py" line="47"/>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="49"/>
        <source>Born</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="55"/>
        <source>Citizen ID</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="56"/>
        <source>SI number</source>
        <translation>Mã số BHXH</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="57"/>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="53"/>
        <source>Hamlet</source>
        <translation>Thôn, xóm</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="54"/>
        <source>Commune</source>
        <translation>Xã, phường</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="59"/>
        <source>HI card valid until</source>
        <translation>Thẻ BHYT hạn đến</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="63"/>
        <source>VSI</source>
        <translation>BHXH tự nguyện</translation>
    </message>
    <message>
        <location filename="../../ui/models/people_model.py" line="64"/>
        <source>Group</source>
        <translation>Nhóm đối tượng</translation>
    </message>
</context>
<context>
    <name>PeopleView</name>
    <message>
        <location filename="../../ui/views/people.py" line="41"/>
        <source>People</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="44"/>
        <source>Name without accents, citizen ID, SI number or phone (Ctrl+F)</source>
        <translation>Họ tên (gõ không dấu được), số CCCD, mã số BHXH hoặc số điện thoại (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="95"/>
        <source>Everybody / search</source>
        <translation>Tất cả / tìm kiếm</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="96"/>
        <source>Not insured yet, by hamlet</source>
        <translation>Chưa có bảo hiểm, theo thôn</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="99"/>
        <source>HI cards ended (last %1 days) or ending (next %2)</source>
        <translation>Thẻ BHYT đã hết hạn trong %1 ngày qua hoặc sẽ hết hạn trong %2 ngày tới</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="105"/>
        <source>Voluntary SI lapsed or due within %1 days</source>
        <translation>BHXH tự nguyện đã quá hạn đóng hoặc hết hạn đóng trong %1 ngày tới</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="107"/>
        <source>Follow-ups due</source>
        <translation>Lịch hẹn đến hạn</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="51"/>
        <source>&amp;Print the list (Ctrl+P)</source>
        <translation>&amp;In danh sách (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="58"/>
        <source>&amp;New person (Ctrl+N)</source>
        <translation>Thêm &amp;người (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="61"/>
        <source>&amp;Import a list (Ctrl+I)</source>
        <translation>Nhập &amp;danh sách (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="154"/>
        <source>%1 people</source>
        <translation>%1 người</translation>
    </message>
    <message>
        <location filename="../../ui/views/people.py" line="154"/>
        <source>The best %1 matches: type more of the name to narrow them</source>
        <translation>%1 người khớp nhất: gõ thêm tên để thu hẹp</translation>
    </message>
</context>
<context>
    <name>PersonDialog</name>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="46"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="66"/>
        <source>Scan a citizen ID or HI card QR here (or paste it)</source>
        <translation>Quét mã QR trên CCCD hoặc thẻ BHYT vào đây (hoặc dán)</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="76"/>
        <source>dd/mm/yyyy, or the year alone</source>
        <translation>ngày/tháng/năm, hoặc chỉ năm sinh</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="84"/>
        <source>10 digits, or the HI card code</source>
        <translation>10 chữ số, hoặc mã thẻ BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="100"/>
        <source>as on the HI card, e.g. 33 - 105</source>
        <translation>như trên thẻ BHYT, ví dụ 33 - 105</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="101"/>
        <source>Agrees that the team keeps their data</source>
        <translation>Đồng ý để tổ lưu thông tin cá nhân</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="106"/>
        <source>&amp;Full name:</source>
        <translation>&amp;Họ tên:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="107"/>
        <source>&amp;Born:</source>
        <translation>Ngày &amp;sinh:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="108"/>
        <source>Se&amp;x:</source>
        <translation>&amp;Giới tính:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="109"/>
        <source>&amp;Citizen ID:</source>
        <translation>Số &amp;CCCD:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="110"/>
        <source>SI n&amp;umber / HI card:</source>
        <translation>Mã số &amp;BHXH / thẻ BHYT:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="111"/>
        <source>&amp;Phone:</source>
        <translation>Điện &amp;thoại:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="112"/>
        <source>Co&amp;mmune:</source>
        <translation>&amp;Xã, phường:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="113"/>
        <source>&amp;Hamlet:</source>
        <translation>Thôn, xó&amp;m:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="114"/>
        <source>&amp;Group:</source>
        <translation>&amp;Nhóm đối tượng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="115"/>
        <source>Registered c&amp;linic:</source>
        <translation>Nơi &amp;KCB ban đầu:</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="141"/>
        <source>&amp;Save (Ctrl+Enter)</source>
        <translation>&amp;Lưu (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="144"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <location filename="../../ui/views/person_dialog.py" line="196"/>
        <source>Read from the card. Check every field with the person, then save.</source>
        <translation>Đã đọc từ thẻ. Hãy kiểm tra từng ô với người dân rồi lưu.</translation>
    </message>
</context>
<context>
    <name>PersonFormController</name>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="66"/>
        <source>New person</source>
        <translation>Thêm người</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="68"/>
        <source>New member of the household</source>
        <translation>Thêm thành viên hộ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="78"/>
        <source>Edit person</source>
        <translation>Sửa thông tin</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="151"/>
        <source>Open that record now?</source>
        <translation>Mở hồ sơ đó ngay?</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="165"/>
        <source>Another person: create</source>
        <translation>Người khác: vẫn tạo mới</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="169"/>
        <source>Same person: open it</source>
        <translation>Cùng một người: mở hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/person_form.py" line="173"/>
        <source>Go back</source>
        <translation>Quay lại</translation>
    </message>
</context>
<context>
    <name>PersonalDataController</name>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="32"/>
        <source>Personal data</source>
        <translation>Dữ liệu cá nhân</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="34"/>
        <source>Agreed that the team keeps their data.</source>
        <translation>Đã đồng ý để tổ lưu thông tin cá nhân.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="36"/>
        <source>Has not agreed that the team keeps their data.</source>
        <translation>Chưa đồng ý để tổ lưu thông tin cá nhân.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="40"/>
        <source>Withdraw consent</source>
        <translation>Rút lại sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="42"/>
        <source>Record consent</source>
        <translation>Ghi nhận đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="46"/>
        <source>Export a copy…</source>
        <translation>Xuất bản sao…</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="49"/>
        <source>Erase on request…</source>
        <translation>Xoá theo yêu cầu…</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="52"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="68"/>
        <source>Export a copy</source>
        <translation>Xuất bản sao</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="94"/>
        <source>Erase on request</source>
        <translation>Xoá theo yêu cầu</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/personal_data.py" line="95"/>
        <source>This erases the person&apos;s name, identifiers, phone and the notes about them, here and, at the next sync, on the server. Receipts keep the payer&apos;s name. Type the full name to confirm:</source>
        <translation>Thao tác này xoá họ tên, các số giấy tờ, số điện thoại và ghi chú về người này, trên máy và (khi đồng bộ) trên máy chủ. Biên lai vẫn giữ tên người nộp tiền. Gõ lại họ tên đầy đủ để xác nhận:</translation>
    </message>
</context>
<context>
    <name>ReceiptsController</name>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="51"/>
        <source>GENUINE</source>
        <translation>THẬT</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="52"/>
        <source>FORGED</source>
        <translation>GIẢ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="53"/>
        <source>DAMAGED</source>
        <translation>HỎNG</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="54"/>
        <source>NOT A RECEIPT</source>
        <translation>KHÔNG PHẢI BIÊN LAI</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="55"/>
        <source>UNKNOWN DEVICE</source>
        <translation>MÁY LẠ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="56"/>
        <source>REVOKED DEVICE</source>
        <translation>MÁY ĐÃ BỊ THU HỒI</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="57"/>
        <source>VOID</source>
        <translation>ĐÃ HUỶ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="58"/>
        <location filename="../../ui/controllers/receipts.py" line="59"/>
        <source>NOT CONFIRMED</source>
        <translation>CHƯA XÁC NHẬN</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="65"/>
        <source>Household health insurance</source>
        <translation>BHYT hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="66"/>
        <source>Voluntary social insurance</source>
        <translation>BHXH tự nguyện</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="78"/>
        <source>%1 to %2</source>
        <translation>%1 đến %2</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="83"/>
        <source>Number:</source>
        <translation>Số:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="84"/>
        <source>Date:</source>
        <translation>Ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="85"/>
        <source>Amount:</source>
        <translation>Số tiền:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="86"/>
        <source>Paid for:</source>
        <translation>Nộp cho:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="87"/>
        <source>Months:</source>
        <translation>Số tháng:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="88"/>
        <source>Period:</source>
        <translation>Thời hạn:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="89"/>
        <source>Insured persons:</source>
        <translation>Số người tham gia:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="90"/>
        <source>Payer&apos;s ID (masked):</source>
        <translation>Mã người nộp (che bớt):</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="91"/>
        <source>Confirmation code:</source>
        <translation>Mã xác nhận:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="93"/>
        <source>Issued by device:</source>
        <translation>Máy lập:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="94"/>
        <source>(not known on this laptop)</source>
        <translation>(máy này chưa biết)</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="99"/>
        <source>Void because:</source>
        <translation>Lý do huỷ:</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="102"/>
        <source>The receipt</source>
        <translation>Biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="104"/>
        <source>What the QR code claims (do not trust it)</source>
        <translation>Nội dung mã QR ghi (không đáng tin)</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="162"/>
        <source>No thermal printer is chosen yet: choose it in Settings, Receipt printing.</source>
        <translation>Chưa chọn máy in nhiệt: hãy chọn trong Cài đặt, mục In biên lai.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="177"/>
        <source>(default)</source>
        <translation>mặc định</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="192"/>
        <source>Print the receipt</source>
        <translation>In biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="217"/>
        <source>Printing: %1 of %2 pages sent…</source>
        <translation>Đang in: đã gửi %1 trên %2 trang…</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="257"/>
        <source>it does not answer</source>
        <translation>máy in không trả lời</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="258"/>
        <source>it stopped in the middle of the job</source>
        <translation>máy in dừng giữa chừng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="259"/>
        <source>it refused the job</source>
        <translation>máy in từ chối lệnh in</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="272"/>
        <source>Printed a copy (BẢN SAO) of %1.</source>
        <translation>Đã in bản sao (BẢN SAO) biên lai %1.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="274"/>
        <source>Printed the original of %1.</source>
        <translation>Đã in bản gốc biên lai %1.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="278"/>
        <source>Printed %1 receipts in one job (%2 of them copies).</source>
        <translation>Đã in %1 biên lai trong một lần in (%2 bản sao).</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="50"/>
        <source>Could not write %1 (%2). The receipt is saved; choose another folder, then save again.</source>
        <translation>Không ghi được %1 (%2). Biên lai vẫn được lưu; hãy chọn thư mục khác rồi lưu lại.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="311"/>
        <source>Print again</source>
        <translation>In lại</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="315"/>
        <source>Save as &amp;PDF…</source>
        <translation>Lưu thành &amp;PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="320"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipt_printing.py" line="342"/>
        <source>Save the receipt as PDF</source>
        <translation>Lưu biên lai thành PDF</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/receipts.py" line="268"/>
        <source>The receipt is void. It prints and verifies as void from now on.</source>
        <translation>Biên lai đã bị huỷ. Từ nay khi in và khi kiểm tra, biên lai hiện là đã huỷ.</translation>
    </message>
</context>
<context>
    <name>ReceiptsView</name>
    <message>
        <location filename="../../ui/views/receipts.py" line="78"/>
        <source>Series / number</source>
        <translation>Ký hiệu / Số</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="79"/>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="80"/>
        <source>Payer</source>
        <translation>Người nộp tiền</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="81"/>
        <source>Amount</source>
        <translation>Số tiền</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="82"/>
        <source>Collector</source>
        <translation>Người thu</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="83"/>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="83"/>
        <source>VOID</source>
        <translation>ĐÃ HUỶ</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="83"/>
        <source>valid</source>
        <translation>hợp lệ</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="95"/>
        <source>Save as PD&amp;F…</source>
        <translation>Lưu thành P&amp;DF…</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="96"/>
        <source>V&amp;oid… (Delete)</source>
        <translation>H&amp;uỷ biên lai… (Delete)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="103"/>
        <source>Hand-over li&amp;st…</source>
        <translation>Danh sách &amp;bàn giao…</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="44"/>
        <source>Receipts</source>
        <translation>Biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="58"/>
        <source>&amp;Day:</source>
        <translation>&amp;Ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="63"/>
        <source>&amp;Today</source>
        <translation>&amp;Hôm nay</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="65"/>
        <source>Find by number, e.g. BI-330101-2026/0000003 or 3</source>
        <translation>Tìm theo số, ví dụ BI-330101-2026/0000003 hoặc 3</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="67"/>
        <source>&amp;Number:</source>
        <translation>&amp;Số biên lai:</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="94"/>
        <source>&amp;Print / reprint (Ctrl+P)</source>
        <translation>&amp;In / in lại (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="97"/>
        <source>Print the &amp;batch (Ctrl+Shift+P)</source>
        <translation>In &amp;cả loạt (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="98"/>
        <source>&amp;Verify a receipt… (Ctrl+Shift+V)</source>
        <translation>&amp;Kiểm tra biên lai… (Ctrl+Shift+V)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="99"/>
        <source>QR &amp;labels for cards and books…</source>
        <translation>Nhãn &amp;QR thẻ, sổ…</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="101"/>
        <source>QR labels for the HI cards and SI books handed over with these receipts (Ctrl+Shift+L)</source>
        <translation>Nhãn QR cho thẻ BHYT, sổ BHXH bàn giao cùng các biên lai này (Ctrl+Shift+L)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="105"/>
        <source>The list the recipients sign for their cards and books (Ctrl+Shift+H)</source>
        <translation>Danh sách để người nhận ký nhận thẻ, sổ (Ctrl+Shift+H)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="158"/>
        <source>%1 receipts, %2 collected.</source>
        <translation>%1 biên lai, đã thu %2.</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="163"/>
        <source>%1 void.</source>
        <translation>%1 biên lai đã huỷ.</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="165"/>
        <source>Found on another day.</source>
        <translation>Tìm thấy ở ngày khác.</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="215"/>
        <source>Save the receipts as PDF</source>
        <translation>Lưu biên lai thành PDF</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="215"/>
        <location filename="../../ui/views/receipts.py" line="231"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="228"/>
        <source>Save the QR labels as PDF</source>
        <translation>Lưu nhãn QR thành PDF</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipts.py" line="228"/>
        <source>Save the hand-over list as PDF</source>
        <translation>Lưu danh sách bàn giao thành PDF</translation>
    </message>
</context>
<context>
    <name>ReleaseController</name>
    <message>
        <location filename="../../ui/controllers/release.py" line="46"/>
        <source>national</source>
        <translation>quốc gia</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/release.py" line="47"/>
        <source>province</source>
        <translation>tỉnh</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/release.py" line="56"/>
        <source>checked %1</source>
        <translation>kiểm tra ngày %1</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/release.py" line="61"/>
        <source>These rules may be out of date: sync to get the newest before you take money.</source>
        <translation>Quy định này có thể đã cũ: hãy đồng bộ để nhận quy định mới nhất trước khi thu tiền.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/release.py" line="130"/>
        <source>New version %1</source>
        <translation>Có phiên bản mới %1</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/release.py" line="131"/>
        <source>Sync screen: download it for IT to install</source>
        <translation>Màn hình Đồng bộ: tải về để bộ phận CNTT cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/release.py" line="143"/>
        <source>Saved to %1 (SHA-256 checked). Give it to IT to install; it was not run.</source>
        <translation>Đã lưu vào %1 (đã kiểm tra SHA-256). Hãy đưa cho bộ phận CNTT cài đặt; tệp chưa được chạy.</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../../ui/views/settings.py" line="45"/>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="57"/>
        <source>Display</source>
        <translation>Hiển thị</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="62"/>
        <source>&amp;Language:</source>
        <translation>&amp;Ngôn ngữ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="64"/>
        <source>Normal</source>
        <translation>Bình thường</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="65"/>
        <source>High contrast (outdoors)</source>
        <translation>Tương phản cao (ngoài trời)</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="66"/>
        <source>&amp;Theme:</source>
        <translation>Giao &amp;diện:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="70"/>
        <source>&amp;Font size:</source>
        <translation>&amp;Cỡ chữ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="73"/>
        <location filename="../../ui/views/settings.py" line="82"/>
        <source> min</source>
        <translation> phút</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="89"/>
        <source>Receipt printing</source>
        <translation>In biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="92"/>
        <source>A5 sheet</source>
        <translation>Tờ A5</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="93"/>
        <source>A4 sheet, two copies (payer and agent)</source>
        <translation>Tờ A4, hai liên (người nộp và đại lý)</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="94"/>
        <source>80 mm thermal roll</source>
        <translation>Giấy in nhiệt khổ 80 mm</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="95"/>
        <source>58 mm thermal roll</source>
        <translation>Giấy in nhiệt khổ 58 mm</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="96"/>
        <source>Receipt &amp;paper:</source>
        <translation>Khổ giấy &amp;biên lai:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="98"/>
        <source>The default printer</source>
        <translation>Máy in mặc định</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="99"/>
        <source>Ask every time (print dialog)</source>
        <translation>Hỏi mỗi lần in (hộp thoại in)</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="100"/>
        <source>Save as PDF into a folder</source>
        <translation>Lưu thành PDF vào một thư mục</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="101"/>
        <source>A thermal printer (ESC/POS, no driver needed)</source>
        <translation>Máy in nhiệt (ESC/POS, không cần trình điều khiển)</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="102"/>
        <source>Print rece&amp;ipts to:</source>
        <translation>&amp;In biên lai ra:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="107"/>
        <source>&amp;Choose…</source>
        <translation>C&amp;họn…</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="110"/>
        <source>PDF fol&amp;der:</source>
        <translation>Thư mục &amp;PDF:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="119"/>
        <source>Thermal printer (&amp;ESC/POS):</source>
        <translation>Máy in nhiệt (&amp;ESC/POS):</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="134"/>
        <source>Set the &amp;recovery passphrase…</source>
        <translation>Đặt &amp;mật khẩu khôi phục…</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="106"/>
        <source>Documents/fieldapp</source>
        <translation>Tài liệu/fieldapp</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="117"/>
        <source>e.g. serial:/dev/rfcomm0, file:/dev/usb/lp0, usb:0416:5011</source>
        <translation>ví dụ serial:/dev/rfcomm0, file:/dev/usb/lp0, usb:0416:5011</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="124"/>
        <source>Data on this laptop</source>
        <translation>Dữ liệu trên máy này</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="128"/>
        <source>Data folder:</source>
        <translation>Thư mục dữ liệu:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="131"/>
        <source>Protection:</source>
        <translation>Bảo vệ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="133"/>
        <source>&amp;Back up now…</source>
        <translation>&amp;Sao lưu ngay…</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="210"/>
        <source>Folder for receipt PDFs</source>
        <translation>Thư mục lưu biên lai PDF</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="217"/>
        <source>Back up to</source>
        <translation>Sao lưu vào</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="217"/>
        <source>fieldapp backup (*.db)</source>
        <translation>Bản sao lưu fieldapp (*.db)</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="225"/>
        <source>Recovery passphrase</source>
        <translation>Mật khẩu khôi phục</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="226"/>
        <source>New passphrase (at least 8 characters):</source>
        <translation>Mật khẩu mới (ít nhất 8 ký tự):</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="78"/>
        <source>Sync with the server</source>
        <translation>Đồng bộ với máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="74"/>
        <source>Loc&amp;k when idle after:</source>
        <translation>Tự &amp;khoá khi không dùng sau:</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="83"/>
        <source>While signed in; after a failure the next try waits longer</source>
        <translation>Khi đã đăng nhập; sau một lần lỗi, lần thử sau sẽ chờ lâu hơn</translation>
    </message>
    <message>
        <location filename="../../ui/views/settings.py" line="84"/>
        <source>S&amp;ync in the background every:</source>
        <translation>Tự đồn&amp;g bộ mỗi:</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="26"/>
        <source>Full name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="27"/>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="28"/>
        <source>Year of birth</source>
        <translation>Năm sinh</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="29"/>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="30"/>
        <source>Citizen ID</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="31"/>
        <source>Social insurance number</source>
        <translation>Mã số BHXH</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="32"/>
        <source>Health insurance card</source>
        <translation>Thẻ BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="33"/>
        <source>Registered clinic</source>
        <translation>Nơi KCB ban đầu</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="34"/>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="35"/>
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="36"/>
        <source>Hamlet</source>
        <translation>Thôn, xóm</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="37"/>
        <source>Commune</source>
        <translation>Xã, phường</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="38"/>
        <location filename="../../ui/controllers/conflicts.py" line="48"/>
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="39"/>
        <source>Occupation</source>
        <translation>Nghề nghiệp</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="40"/>
        <source>Notes</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="47"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="189"/>
        <source>Premium rule file</source>
        <translation>Tệp quy định mức đóng</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="216"/>
        <source>never</source>
        <translation>chưa bao giờ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="131"/>
        <source>%1 fields differ</source>
        <translation>%1 trường khác nhau</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="138"/>
        <source>same citizen ID</source>
        <translation>trùng số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="139"/>
        <source>same name, birth and commune</source>
        <translation>trùng họ tên, ngày sinh và xã</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="146"/>
        <source>pulled</source>
        <translation>nhận về</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="69"/>
        <source>not this team&apos;s data</source>
        <translation>không phải dữ liệu của tổ này</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="70"/>
        <source>the same change id with other content</source>
        <translation>trùng mã thay đổi nhưng nội dung khác</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="71"/>
        <source>the record already exists with other content</source>
        <translation>bản ghi đã có với nội dung khác</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="72"/>
        <source>the record is not on the server</source>
        <translation>máy chủ không có bản ghi này</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="73"/>
        <source>this kind of record cannot be changed</source>
        <translation>loại bản ghi này không được sửa</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="74"/>
        <source>the record is not valid</source>
        <translation>bản ghi không hợp lệ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="75"/>
        <source>it names a record the server does not have for this team</source>
        <translation>bản ghi này nhắc tới một bản ghi mà máy chủ không có cho tổ này</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="78"/>
        <source>only a team leader may do this</source>
        <translation>chỉ tổ trưởng được làm việc này</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="79"/>
        <source>a receipt not signed by this laptop&apos;s key, or in another laptop&apos;s series</source>
        <translation>biên lai không do khóa của máy này ký, hoặc thuộc ký hiệu của máy khác</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="82"/>
        <source>this collector&apos;s day was closed on another laptop first: that closing is kept</source>
        <translation>Ngày này của người thu đã được chốt sổ trên máy khác trước: giữ lần chốt đó</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="85"/>
        <source>the server does not know this kind of record</source>
        <translation>máy chủ không biết loại bản ghi này</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="90"/>
        <source>refused</source>
        <translation>bị từ chối</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="237"/>
        <source>Sync off: this laptop was revoked</source>
        <translation>Đã tắt đồng bộ: máy này đã bị thu hồi</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="239"/>
        <source>Sync off: enrol again</source>
        <translation>Đã tắt đồng bộ: cần đăng ký lại</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="241"/>
        <source>Not enrolled with a server</source>
        <translation>Chưa đăng ký với máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="243"/>
        <source>Last sync: %1</source>
        <translation>Đồng bộ lần cuối: %1</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="246"/>
        <source>Never synced</source>
        <translation>Chưa đồng bộ lần nào</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="256"/>
        <source>Type the server&apos;s address and the one-time code.</source>
        <translation>Hãy nhập địa chỉ máy chủ và mã đăng ký một lần.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="338"/>
        <source>Stopping after this batch…</source>
        <translation>Đang dừng sau đợt này…</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="156"/>
        <source>%1 “%2” was changed on this laptop and on another one.</source>
        <translation>%1 “%2” đã được sửa trên máy này và trên một máy khác.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="158"/>
        <source>Pick the version to keep for each field; nothing changes until you press “Keep my choice”.</source>
        <translation>Hãy chọn bản giữ lại cho từng trường; không có gì thay đổi cho đến khi bạn bấm “Giữ lựa chọn của tôi”.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="171"/>
        <source>Kept. The choice is sent at the next sync.</source>
        <translation>Đã giữ. Lựa chọn sẽ được gửi ở lần đồng bộ sau.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="213"/>
        <source>Keep both as two different people and take them off the list?</source>
        <translation>Giữ cả hai là hai người khác nhau và bỏ khỏi danh sách?</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/conflicts.py" line="86"/>
        <source>made before enrolment for another team or province: kept on this laptop, not sent</source>
        <translation>lập trước khi đăng ký, cho tổ hoặc tỉnh khác: vẫn giữ trên máy này, không gửi đi</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="290"/>
        <source>Enrol anyway</source>
        <translation>Vẫn đăng ký</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/sync.py" line="291"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../ui/views/sync.py" line="90"/>
        <source>Server:</source>
        <translation>Máy chủ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="91"/>
        <source>Team:</source>
        <translation>Tổ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="92"/>
        <source>Last good sync:</source>
        <translation>Lần đồng bộ thành công gần nhất:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="93"/>
        <source>Changes waiting to be sent:</source>
        <translation>Thay đổi chờ gửi:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="94"/>
        <source>Conflicts to settle:</source>
        <translation>Xung đột cần xử lý:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="95"/>
        <source>Refused operations:</source>
        <translation>Thao tác bị từ chối:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="96"/>
        <source>Possible duplicate people:</source>
        <translation>Người có thể bị trùng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="97"/>
        <source>This laptop&apos;s id:</source>
        <translation>Mã của máy này:</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="100"/>
        <source>Sync now (F9)</source>
        <translation>Đồng bộ ngay (F9)</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="101"/>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="108"/>
        <source>Export sync bundle to USB…</source>
        <translation>Xuất gói đồng bộ ra USB…</translation>
    </message>
    <message>
        <location filename="../../ui/views/sync.py" line="109"/>
        <source>Import answer bundle from USB…</source>
        <translation>Nhập gói trả lời từ USB…</translation>
    </message>
</context>
<context>
    <name>SyncView</name>
    <message>
        <location filename="../../ui/views/sync.py" line="135"/>
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
</context>
<context>
    <name>TalliesController</name>
    <message>
        <location filename="../../ui/controllers/tallies.py" line="94"/>
        <source>Export tallies</source>
        <translation>Xuất báo cáo kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/tallies.py" line="118"/>
        <source>Import targets</source>
        <translation>Nhập chỉ tiêu</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/tallies.py" line="159"/>
        <source>Declaration list</source>
        <translation>Danh sách kê khai</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/tallies.py" line="242"/>
        <source>%1 targets saved.</source>
        <translation>Đã lưu %1 chỉ tiêu.</translation>
    </message>
    <message>
        <location filename="../../ui/controllers/tallies.py" line="335"/>
        <source>Hand-over slip</source>
        <translation>Giấy nộp tiền</translation>
    </message>
</context>
<context>
    <name>TalliesView</name>
    <message>
        <location filename="../../ui/views/tallies.py" line="121"/>
        <location filename="../../ui/views/tallies.py" line="245"/>
        <source>Tallies</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="134"/>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="134"/>
        <source>Yesterday</source>
        <translation>Hôm qua</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="134"/>
        <source>Last 7 days</source>
        <translation>7 ngày qua</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="134"/>
        <source>The whole campaign</source>
        <translation>Cả chiến dịch</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="135"/>
        <source>From … to …</source>
        <translation>Từ ngày … đến ngày …</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="145"/>
        <source>Period:</source>
        <translation>Kỳ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="158"/>
        <source>Export XLSX</source>
        <translation>Xuất XLSX</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="159"/>
        <source>Export CSV</source>
        <translation>Xuất CSV</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="160"/>
        <source>Export PDF</source>
        <translation>Xuất PDF</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="166"/>
        <source>Declaration lists</source>
        <translation>Danh sách kê khai</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="169"/>
        <source>D05-TS (voluntary SI), XLSX</source>
        <translation>D05-TS (BHXH tự nguyện), XLSX</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="170"/>
        <source>D05-TS (voluntary SI), XML</source>
        <translation>D05-TS (BHXH tự nguyện), XML</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="171"/>
        <source>D03-TS (household HI), XLSX</source>
        <translation>D03-TS (BHYT hộ gia đình), XLSX</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="176"/>
        <source>Targets…</source>
        <translation>Chỉ tiêu…</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="179"/>
        <source>Import targets…</source>
        <translation>Nhập chỉ tiêu…</translation>
    </message>
    <message>
        <location filename="../../ui/views/tallies.py" line="182"/>
        <source>Close the day…</source>
        <translation>Chốt ngày…</translation>
    </message>
</context>
<context>
    <name>TargetsDialog</name>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="47"/>
        <source>Targets</source>
        <translation>Chỉ tiêu</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="51"/>
        <source>The whole campaign</source>
        <translation>Cả chiến dịch</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="58"/>
        <source>Period:</source>
        <translation>Kỳ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="59"/>
        <source>Level:</source>
        <translation>Cấp:</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="60"/>
        <source>Unit:</source>
        <translation>Đơn vị:</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="65"/>
        <source>not set</source>
        <translation>chưa đặt</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="91"/>
        <source>New period</source>
        <translation>Thêm kỳ mới</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="102"/>
        <source>name (optional)</source>
        <translation>tên kỳ (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="104"/>
        <source>Add period</source>
        <translation>Thêm kỳ</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="107"/>
        <source>from</source>
        <translation>từ ngày</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="126"/>
        <source>Period “%1” added: type its targets.</source>
        <translation>Đã thêm kỳ “%1”: nhập chỉ tiêu của kỳ.</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="132"/>
        <source>no target</source>
        <translation>không có chỉ tiêu</translation>
    </message>
    <message>
        <location filename="../../ui/views/targets_dialog.py" line="162"/>
        <source>“%1” is not a whole number.</source>
        <translation>“%1” không phải một số nguyên.</translation>
    </message>
</context>
<context>
    <name>TodayView</name>
    <message>
        <location filename="../../ui/views/today.py" line="34"/>
        <location filename="../../ui/views/today.py" line="123"/>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="44"/>
        <location filename="../../ui/views/today.py" line="69"/>
        <source>Consultations</source>
        <translation>Tư vấn</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="45"/>
        <source>New voluntary SI</source>
        <translation>BHXH tự nguyện mới</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="46"/>
        <source>Household HI participants</source>
        <translation>Người tham gia BHYT hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="47"/>
        <location filename="../../ui/views/today.py" line="73"/>
        <source>Receipts</source>
        <translation>Biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="48"/>
        <source>Outreach events</source>
        <translation>Buổi tuyên truyền</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="49"/>
        <source>VssID installs</source>
        <translation>Cài đặt VssID</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="59"/>
        <source>Due</source>
        <translation>Ngày hẹn</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="60"/>
        <location filename="../../ui/views/today.py" line="80"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="61"/>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="62"/>
        <source>Hamlet</source>
        <translation>Thôn, xóm</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="67"/>
        <location filename="../../ui/views/today.py" line="83"/>
        <source>Member</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="74"/>
        <source>Collected</source>
        <translation>Đã thu</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="79"/>
        <source>Time</source>
        <translation>Giờ</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="80"/>
        <source>(walk-in)</source>
        <translation>(khách vãng lai)</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="81"/>
        <source>Outcome</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="82"/>
        <source>Topics</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="95"/>
        <source>Follow-ups due</source>
        <translation>Lịch hẹn đến hạn</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="96"/>
        <source>The team today</source>
        <translation>Tổ hôm nay</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="99"/>
        <source>Latest consultations</source>
        <translation>Tư vấn gần nhất</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="114"/>
        <source>no target</source>
        <translation>chưa giao chỉ tiêu</translation>
    </message>
    <message>
        <location filename="../../ui/views/today.py" line="116"/>
        <source>of %1 (%2 %)</source>
        <translation>trên %1 (%2 %)</translation>
    </message>
</context>
<context>
    <name>UpdateNotice</name>
    <message>
        <location filename="../../ui/views/about.py" line="99"/>
        <source>Download for IT</source>
        <translation>Tải về cho CNTT</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="118"/>
        <source>New version %1 on the server: download it for IT to install.</source>
        <translation>Có phiên bản mới %1 trên máy chủ: tải về để bộ phận CNTT cài đặt.</translation>
    </message>
    <message>
        <location filename="../../ui/views/about.py" line="125"/>
        <source>Downloading…</source>
        <translation>Đang tải về…</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="107"/>
        <source>Verify a receipt</source>
        <translation>Kiểm tra biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="110"/>
        <source>Scan the receipt&apos;s QR code with the scanner, or paste its text, then press Enter.</source>
        <translation>Quét mã QR trên biên lai bằng máy quét, hoặc dán nội dung mã, rồi nhấn Enter.</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="136"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>VoidDialog</name>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="33"/>
        <source>Void a receipt</source>
        <translation>Huỷ biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="42"/>
        <source>A voided receipt stays in the book: it prints and verifies as void. The team leader confirms with their own PIN.</source>
        <translation>Biên lai đã huỷ vẫn được giữ trong sổ: khi in và khi kiểm tra đều hiện là đã huỷ. Tổ trưởng xác nhận bằng mã PIN của mình.</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="51"/>
        <source>e.g. wrong amount, written for the wrong person</source>
        <translation>ví dụ: ghi sai số tiền, lập nhầm người</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="59"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Lý do huỷ:</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="60"/>
        <source>Team &amp;leader:</source>
        <translation>&amp;Tổ trưởng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="61"/>
        <source>Leader&apos;s &amp;PIN:</source>
        <translation>Mã &amp;PIN của tổ trưởng:</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="68"/>
        <source>Void the receipt</source>
        <translation>Huỷ biên lai</translation>
    </message>
    <message>
        <location filename="../../ui/views/receipt_dialogs.py" line="69"/>
        <source>Cancel</source>
        <translation>Thôi</translation>
    </message>
</context>
</TS>
